import CairnCore
import Logging
import Testing

@testable import CairnChannels

/// An email's `from` and `replyTo` as their merge tags rendered them: one address, or blank (the
/// provider's `from`; no `Reply-To`), or the message fails with `invalid_from` / `invalid_reply_to`.
/// A Reply-To is never quietly left out, and a line break never reaches a header.
@Suite struct EmailSenderAddressTests {
    static func message(_ content: JSONValue) -> OutboxMessage {
        var generator = SystemRandomNumberGenerator()
        let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        return OutboxMessage(
            messageId: "018bcfe5-687b-7000-8000-000000000002",
            tenant: Tenant(clientId: "c", accountId: "a", brandId: "b"),
            eventId: EventID.make(at: now, using: &generator),
            customerId: "customer",
            userId: "u1",
            channel: .email,
            to: "ann@example.com",
            assetId: "welcome",
            version: 1,
            purpose: .transactional,
            content: content,
            nextAttemptAt: now,
            createdAt: now
        )
    }

    static func content(from: String = "Shop <shop@example.com>", replyTo: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["from": .string(from), "subject": "Hi", "text": "Hi Ann"]
        if let replyTo { fields["replyTo"] = .string(replyTo) }
        return .object(fields)
    }

    static func email(
        _ content: JSONValue,
        defaults: ProviderSettings.EmailDefaults = ProviderSettings.EmailDefaults()
    ) -> Result<EmailMessage, MessageError> {
        EmailSender.email(for: message(content), defaults: defaults)
    }

    static func error(_ result: Result<EmailMessage, MessageError>) -> MessageError? {
        guard case .failure(let error) = result else { return nil }
        return error
    }

    static let lineBreaks = [
        "help@example.com\r\nBcc: eve@example.com", "help@example.com\n", "\r\nhelp@example.com",
        "Help\r\n <help@example.com>", "help@exa\rmple.com",
    ]

    @Test(arguments: lineBreaks)
    func aReplyToThatRenderedWithALineBreakFailsTheMessage(replyTo: String) {
        let error = Self.error(Self.email(Self.content(replyTo: replyTo)))
        #expect(error?.code == "invalid_reply_to")
        #expect(error?.message.contains("line break") == true)
    }

    @Test(arguments: [
        "not an address", "ada@example.com, bob@example.com", "Ada <ada@example.com>, Bob <b@example.com>",
    ])
    func aReplyToThatRenderedAsAnythingButOneAddressFailsTheMessage(replyTo: String) {
        let error = Self.error(Self.email(Self.content(replyTo: replyTo)))
        #expect(error?.code == "invalid_reply_to")
        #expect(error?.message.contains("replyTo") == true)
    }

    @Test func aReplyToThatRenderedBlankIsNone() throws {
        for replyTo in ["", "  \t"] {
            let email = try Self.email(Self.content(replyTo: replyTo)).get()
            #expect(email.replyTo == nil)
        }
        let email = try Self.email(Self.content(replyTo: #""Help, Desk" <help@example.com>"#)).get()
        #expect(email.replyTo == EmailAddress(name: "Help, Desk", address: "help@example.com"))
    }

    @Test(arguments: [
        "not an address", "ada@example.com, bob@example.com", "shop@example.com\r\nBcc: eve@example.com",
    ])
    func aFromThatRenderedAsAnythingButOneAddressFailsTheMessage(from: String) {
        let error = Self.error(Self.email(Self.content(from: from)))
        #expect(error?.code == "invalid_from")
    }

    @Test func aBlankFromIsTheProvidersOrFailsWithoutOne() throws {
        let provider = EmailAddress(name: "Provider", address: "provider@example.com")
        let defaults = ProviderSettings.EmailDefaults(from: provider)
        let email = try Self.email(Self.content(from: " "), defaults: defaults).get()
        #expect(email.from == provider)
        #expect(Self.error(Self.email(Self.content(from: "")))?.code == "invalid_from")
    }

    /// Through `send`: the message fails for good before any connection is made, where it used to
    /// go out without its Reply-To.
    @Test func sendingAReplyToWithALineBreakFailsBeforeTheProviderSeesIt() async throws {
        let server = try await SMTPFakeServer.start(script: SMTPFakeServer.accepting())
        var settings = try SMTPSettings(url: "smtp://127.0.0.1:\(server.port)")
        settings.timeouts.otherCommands = .seconds(5)
        let sender = EmailSender(
            settings: settings,
            defaults: ProviderSettings.EmailDefaults(),
            logger: Logger(label: "cairn.test.email")
        )
        let refused = await sender.send(
            Self.message(Self.content(replyTo: "help@example.com\r\nBcc: eve@example.com"))
        )
        let sent = await sender.send(Self.message(Self.content(replyTo: "Help <help@example.com>")))
        await sender.shutdown()
        let lines = server.lines
        await server.stop()
        guard case .permanent(let error, withdrawsConsent: false, _) = refused else {
            Issue.record("a replyTo with a line break fails the message for good: \(refused)")
            return
        }
        #expect(error.code == "invalid_reply_to")
        guard case .sent = sent else {
            Issue.record("one address is sent: \(sent)")
            return
        }
        #expect(lines.filter { $0.hasPrefix("MAIL FROM:") }.count == 1, "only the message with one address went out")
    }
}
