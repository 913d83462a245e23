public import CairnCore
public import Logging

/// Sends SMS messages through a Twilio-compatible provider; asks for delivery receipts at
/// `POST {publicBaseURL}/webhooks/twilio/{messageId}` when Cairn's public URL is known.
public final class SMSSender: ChannelSender {
    private let client: TwilioClient
    private let publicBaseURL: String?

    public init(settings: TwilioSettings, publicBaseURL: String?, logger: Logger) {
        self.client = TwilioClient(settings: settings, logger: logger)
        self.publicBaseURL = publicBaseURL
    }

    /// A body that rendered empty (or to white space alone) is not sent: the provider would
    /// charge for a blank message, and trying again cannot help.
    public static let emptyBody = MessageError(
        code: "empty_body",
        message: "The SMS body rendered empty (its merge tags had nothing to show); nothing was sent."
    )

    public func send(_ message: OutboxMessage) async -> SendOutcome {
        let body = message.content["body"]?.stringValue ?? ""
        guard body.contains(where: { !$0.isWhitespace }) else {
            return .permanent(Self.emptyBody, withdrawsConsent: false)
        }
        let from = message.content["from"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let request = SMSRequest(
            to: message.to,
            from: from,
            body: body,
            statusCallback: Self.statusCallback(base: publicBaseURL, messageId: message.messageId)
        )
        do {
            let receipt = try await client.send(request)
            return .sent(providerMessageId: receipt.sid)
        } catch {
            return Self.outcome(of: error)
        }
    }

    /// An answer from the provider is it rejecting the message; without one, the provider could
    /// not be reached or did not answer (transient), or the settings cannot work (permanent: a
    /// sender that is no number) — as for email.
    static func outcome(of error: ProviderError) -> SendOutcome {
        SendOutcome(error, text: error.message)
    }

    public func shutdown() async { await client.shutdown() }

    /// Where the provider reports delivery of one message (`base`: Cairn's public URL, no trailing slash).
    public static func statusCallback(base: String?, messageId: String) -> String? {
        base.map { $0 + "/webhooks/twilio/" + messageId }
    }
}
