import CairnChannels
import Foundation
import Logging
import Testing

/// SMTPClient against aiosmtpd (`Tests/Peers/smtp_sink.py`): TLS (STARTTLS and implicit),
/// authentication, and what the sink received.
@Suite(.enabled(SMTPTestSink.skipMessage) { await SMTPTestSink.shouldRun() })
struct SMTPClientSecurityTests {
    static let logger = Logger(label: "cairn.test.smtp")

    static func email(
        to recipient: String,
        text: String = "Hello from Cairn.\nBye.",
        id: String = "m-1"
    ) -> ComposedEmail {
        MIMEComposer.compose(
            EmailMessage(
                from: EmailAddress(name: "Cairn Tests", address: "tests@cairn.example"),
                to: EmailAddress(name: "Ann Müller", address: recipient),
                subject: "Grüße — a test",
                text: text,
                html: "<p>Hello <b>from</b> Cairn.</p>",
                messageId: id,
                date: Date(timeIntervalSince1970: 1_770_113_045)
            )
        )
    }

    static func client(_ url: String, logger: Logger = logger) throws -> SMTPClient {
        SMTPClient(settings: try SMTPSettings(url: url), logger: logger)
    }

    /// The error `send` throws; records an issue when it succeeds.
    static func failure(_ client: SMTPClient, _ email: ComposedEmail) async -> ProviderError? {
        do {
            let receipt = try await client.send(email)
            Issue.record("expected an error, got \(receipt)")
            return nil
        } catch {
            return error
        }
    }

    @Test func startTLSAndAuthPlainDeliverTheExactMessage() async throws {
        try await SMTPTestSink.with(["--auth", "mailer@cairn.example:p@ss w"], tls: true) { sink in
            let log = SMTPTestLog()
            let client = try Self.client(
                "smtp://mailer%40cairn.example:p%40ss%20w@127.0.0.1:\(sink.port)?ca=\(try await SMTPTestSink.caPath)",
                logger: log.logger
            )
            let email = Self.email(to: "ann@example.com")
            let receipt = try await client.send(email)
            await client.shutdown()
            #expect(receipt.replyCode == 250)
            #expect(receipt.serverReply.hasPrefix("250 2.0.0 Ok: queued as SINK"))
            let deliveries = try sink.deliveries(to: "ann@example.com")
            try #require(deliveries.count == 1)
            #expect(deliveries[0].eml == email.bytes)
            #expect(deliveries[0].envelope.wasTls)
            #expect(deliveries[0].envelope.authLogin == "mailer@cairn.example")
            #expect(deliveries[0].envelope.mailFrom == "tests@cairn.example")
            #expect(deliveries[0].envelope.rcptTos == ["ann@example.com"])
            // The transcript is at debug level, with the AUTH payload hidden.
            let transcript = log.messages
            #expect(transcript.contains("C: STARTTLS"))
            #expect(transcript.contains("C: AUTH PLAIN ***"))
            #expect(transcript.contains { $0.hasPrefix("S: 235") })
            let secret = Data("\u{0}mailer@cairn.example\u{0}p@ss w".utf8).base64EncodedString()
            #expect(!transcript.contains { $0.contains("p@ss w") || $0.contains(secret) })
        }
    }

    @Test func authLoginWithoutPipelining() async throws {
        try await SMTPTestSink.with(["--auth", "u:pw", "--no-pipelining"], tls: true) { sink in
            let log = SMTPTestLog()
            let ca = try await SMTPTestSink.caPath
            let client = try Self.client("smtp://u:pw@127.0.0.1:\(sink.port)?ca=\(ca)&auth=login", logger: log.logger)
            _ = try await client.send(Self.email(to: "bo@example.com"))
            await client.shutdown()
            let deliveries = try sink.deliveries(to: "bo@example.com")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.envelope.authLogin == "u")
            #expect(log.messages.contains("C: AUTH LOGIN"))
            #expect(log.messages.filter { $0 == "C: ***" }.count == 2)
        }
    }

    @Test func implicitTLS() async throws {
        try await SMTPTestSink.with(["--implicit-tls", "--auth", "u:pw"], tls: true) { sink in
            let ca = try await SMTPTestSink.caPath
            let client = try Self.client("smtps://u:pw@127.0.0.1:\(sink.port)?ca=\(ca)")
            _ = try await client.send(Self.email(to: "cy@example.com"))
            await client.shutdown()
            let deliveries = try sink.deliveries(to: "cy@example.com")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.envelope.wasTls == true)
            #expect(deliveries.first?.envelope.authLogin == "u")
        }
    }

    @Test func anUntrustedCertificateIsAPermanentFailure() async throws {
        try await SMTPTestSink.with(tls: true) { sink in
            let client = try Self.client("smtp://127.0.0.1:\(sink.port)")
            let error = await Self.failure(client, Self.email(to: "dee@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("certificate") == true)
            #expect(try sink.deliveries(to: "dee@example.com").isEmpty)
        }
    }

    @Test func anUnreadableCAFileIsAPermanentConfigurationError() async throws {
        try await SMTPTestSink.with(tls: true) { sink in
            let client = try Self.client("smtp://127.0.0.1:\(sink.port)?ca=/nonexistent/cairn-ca.pem")
            let error = await Self.failure(client, Self.email(to: "dan@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("the CA file /nonexistent/cairn-ca.pem could not be read") == true)
        }
    }

    @Test func startTLSRequiredAgainstAServerWithoutTLSFailsPermanently() async throws {
        try await SMTPTestSink.with { sink in
            let client = try Self.client("smtp://127.0.0.1:\(sink.port)?starttls=required")
            let error = await Self.failure(client, Self.email(to: "ed@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("STARTTLS") == true)
            #expect(try sink.deliveries(to: "ed@example.com").isEmpty)
        }
    }

    @Test func authWithoutTLSIsRefusedUnlessTheURLAllowsIt() async throws {
        try await SMTPTestSink.with(["--auth", "u:pw", "--auth-without-tls"]) { sink in
            let log = SMTPTestLog()
            let refusing = try Self.client("smtp://u:pw@127.0.0.1:\(sink.port)", logger: log.logger)
            let error = await Self.failure(refusing, Self.email(to: "flo@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("insecure_auth=true") == true)
            #expect(error.map { !"\($0)".contains("pw") } == true)
            #expect(!log.messages.contains { $0.hasPrefix("C: AUTH") })
            #expect(try sink.deliveries(to: "flo@example.com").isEmpty)

            let allowing = try Self.client("smtp://u:pw@127.0.0.1:\(sink.port)?insecure_auth=true")
            _ = try await allowing.send(Self.email(to: "flo@example.com"))
            await allowing.shutdown()
            let deliveries = try sink.deliveries(to: "flo@example.com")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.envelope.wasTls == false)
            #expect(deliveries.first?.envelope.authLogin == "u")
        }
    }

    @Test func wrongCredentialsArePermanentAndNotEchoed() async throws {
        try await SMTPTestSink.with(["--auth", "u:right"], tls: true) { sink in
            let ca = try await SMTPTestSink.caPath
            let client = try Self.client("smtp://u:wrong-secret@127.0.0.1:\(sink.port)?ca=\(ca)")
            let error = await Self.failure(client, Self.email(to: "gil@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.replyCode == 535)
            #expect(error?.enhancedCode == "5.7.8")
            #expect(error.map { !"\($0)".contains("wrong-secret") } == true)
        }
    }

    @Test func internationalisedAddressesNeedTheServersSMTPUTF8() async throws {
        let email = Self.email(to: "josé@correo.example")
        try await SMTPTestSink.with(["--smtputf8"]) { sink in
            let client = try Self.client("smtp://127.0.0.1:\(sink.port)")
            _ = try await client.send(email)
            await client.shutdown()
            let deliveries = try sink.deliveries(to: "josé@correo.example")
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.envelope.mailOptions.contains("SMTPUTF8") == true)
            #expect(deliveries.first?.envelope.mailOptions.contains("BODY=8BITMIME") == true)
            #expect(deliveries.first?.eml == email.bytes)
        }
        try await SMTPTestSink.with { sink in
            let error = await Self.failure(try Self.client("smtp://127.0.0.1:\(sink.port)"), email)
            #expect(error?.kind == .permanent)
            #expect(error?.message == "the server does not accept internationalised addresses")
        }
    }
}
