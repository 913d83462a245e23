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
        let from: EmailAddress
        let fromText = content["from"]?.stringValue ?? ""
        if MailboxSyntax.isBlank(fromText) {
            guard let fallback = defaults.from else {
                return .failure(
                    MessageError(
                        code: "invalid_from",
                        message: "The asset's from rendered empty and the email provider has no from of its own."
                    )
                )
            }
            from = fallback
        } else {
            switch Self.address(fromText, field: "from", code: "invalid_from") {
            case .success(let parsed): from = parsed
            case .failure(let error): return .failure(error)
            }
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
        // A replyTo that renders blank is none; one that renders as anything but one address (a
        // line break in it above all) fails the message rather than leaving the header out.
        var replyTo: EmailAddress?
        if let replyToText = content["replyTo"]?.stringValue, !MailboxSyntax.isBlank(replyToText) {
            switch Self.address(replyToText, field: "replyTo", code: "invalid_reply_to") {
            case .success(let parsed): replyTo = parsed
            case .failure(let error): return .failure(error)
            }
        }
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

    /// The one address an asset's `from` or `replyTo` rendered as, or why it is not one (with
    /// `code`): merge tags can only be checked once rendered, and a header cannot hold a line break.
    static func address(_ text: String, field: String, code: String) -> Result<EmailAddress, MessageError> {
        if let parsed = EmailAddress(parsing: text) { return .success(parsed) }
        let reason =
            text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" })
            ? "holds a line break (CR or LF), which an email header cannot" : "is not one email address"
        let shown = text.prefix(201).count > 200 ? String(text.prefix(200)) + "…" : text
        let message = "The asset's \(field) rendered as \(String(reflecting: shown)), which \(reason)."
        return .failure(MessageError(code: code, message: message))
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
