public import CairnCore
import Foundation
public import Logging

/// Sends email messages through one SMTP provider: builds the MIME message from the rendered
/// asset (with `List-Unsubscribe` for marketing), and maps SMTP's answers to outcomes.
public final class EmailSender: ChannelSender {
    private let client: SMTPClient
    private let defaults: ProviderSettings.EmailDefaults

    public init(settings: SMTPSettings, defaults: ProviderSettings.EmailDefaults, logger: Logger) {
        self.client = SMTPClient(settings: settings, logger: logger)
        self.defaults = defaults
    }

    public func send(_ message: OutboxMessage) async -> SendOutcome {
        let email: EmailMessage
        switch Self.email(for: message, defaults: defaults) {
        case .success(let built): email = built
        case .failure(let error): return .permanent(error, withdrawsConsent: false)
        }
        do {
            let receipt = try await client.send(MIMEComposer.compose(email))
            return .sent(providerMessageId: Self.queueId(in: receipt.serverReply))
        } catch {
            return Self.outcome(of: error)
        }
    }

    public func shutdown() async {
        await client.shutdown()
    }

    /// The email for a message, or why none can be made.
    static func email(
        for message: OutboxMessage,
        defaults: ProviderSettings.EmailDefaults
    ) -> Result<EmailMessage, MessageError> {
        let content = message.content
        let fromText = content["from"]?.stringValue ?? ""
        guard
            let from = fromText.isEmpty ? defaults.from : EmailAddress(parsing: fromText)
        else {
            return .failure(
                MessageError(code: "invalid_sender", message: "The asset's from is not an email address: \(fromText)")
            )
        }
        guard let to = EmailAddress(parsing: message.to) else {
            return .failure(MessageError(code: "invalid_recipient", message: "\(message.to) is not an email address."))
        }
        var headers: [(name: String, value: String)] = []
        if let url = content["unsubscribeUrl"]?.stringValue {
            var targets = ["<\(url)>"]
            if let mailto = defaults.unsubscribeMailto { targets.append("<mailto:\(mailto)?subject=unsubscribe>") }
            headers.append((name: "List-Unsubscribe", value: targets.joined(separator: ", ")))
            headers.append((name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"))
        }
        let replyTo = content["replyTo"]?.stringValue.flatMap { $0.isEmpty ? nil : EmailAddress(parsing: $0) }
        return .success(
            EmailMessage(
                from: from,
                to: to,
                replyTo: replyTo,
                subject: content["subject"]?.stringValue ?? "",
                text: content["text"]?.stringValue,
                html: content["html"]?.stringValue,
                messageId: message.messageId,
                date: Date(timeIntervalSince1970: Double(message.createdAt.millisecondsSinceEpoch) / 1000),
                extraHeaders: headers
            )
        )
    }

    /// A reply from the server is the provider rejecting; without one, the server could not be
    /// reached or did not answer (transient), or the settings cannot work (permanent: TLS, AUTH).
    static func outcome(of error: ProviderError) -> SendOutcome {
        SendOutcome(error, text: "SMTP: \(error.message)")
    }

    /// The queue id many servers put in their answer to the final dot (`250 2.0.0 Ok: queued as 4F2A1`).
    static func queueId(in reply: String) -> String? {
        guard let range = reply.range(of: "queued as ", options: .caseInsensitive) else { return nil }
        let id = reply[range.upperBound...].prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }
}
