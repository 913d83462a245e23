import CairnChannels
import Foundation
import Testing

/// SMTPClient against scripted servers (`SMTPFakeServer`): attacks and failures on demand.
@Suite struct SMTPClientFakeServerTests {
    typealias Support = SMTPClientSecurityTests

    static func withServer<Value>(
        _ script: @escaping SMTPFakeServer.Script,
        _ body: (SMTPFakeServer) async throws -> Value
    ) async throws -> Value {
        let server = try await SMTPFakeServer.start(script: script)
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }

    static func settings(_ server: SMTPFakeServer, _ query: String = "") throws -> SMTPSettings {
        var settings = try SMTPSettings(url: "smtp://127.0.0.1:\(server.port)\(query)")
        settings.timeouts.otherCommands = .seconds(5)
        return settings
    }

    @Test func plaintextAfterTheSTARTTLSGoAheadIsRefused() async throws {
        let script = SMTPFakeServer.accepting(extensions: ["STARTTLS", "AUTH PLAIN"]) { line, _ in
            line == "STARTTLS" ? .reply("220 go ahead\r\n250 injected\r\n") : nil
        }
        try await Self.withServer(script) { server in
            let client = SMTPClient(settings: try Self.settings(server), logger: Support.logger)
            let error = await Support.failure(client, Support.email(to: "ann@example.com"))
            #expect(error?.kind == .permanent)
            #expect(
                error?.message.contains("the server sent data after agreeing to STARTTLS; refusing to continue") == true
            )
            #expect(server.lines.last == "STARTTLS")
        }
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        try await Self.withServer(SMTPFakeServer.accepting(extensions: ["AUTH PLAIN LOGIN"])) { server in
            let settings = try SMTPSettings(url: "smtp://u:secret@127.0.0.1:\(server.port)")
            let error = await Support.failure(
                SMTPClient(settings: settings, logger: Support.logger),
                Support.email(to: "a@b.example")
            )
            #expect(error?.kind == .permanent)
            #expect(!server.lines.contains { $0.hasPrefix("AUTH") || $0.contains("secret") })
            #expect(!server.lines.contains { $0.hasPrefix("MAIL") })
        }
    }

    @Test func heloWhenEHLOIsRefusedAndNoPipeliningWithoutTheExtension() async throws {
        let script = SMTPFakeServer.accepting { line, _ in
            line.hasPrefix("EHLO") ? .reply("502 5.5.1 EHLO not implemented\r\n") : nil
        }
        try await Self.withServer(script) { server in
            let client = SMTPClient(
                settings: try Self.settings(server, "?helo=cairn.example.org"),
                logger: Support.logger
            )
            let receipt = try await client.send(Support.email(to: "ann@example.com"))
            await client.shutdown()
            #expect(receipt.serverReply == "250 2.0.0 Ok: queued as FAKE1")
            #expect(
                server.lines == [
                    "EHLO cairn.example.org", "HELO cairn.example.org", "MAIL FROM:<tests@cairn.example>",
                    "RCPT TO:<ann@example.com>", "DATA", "<END OF DATA>", "QUIT",
                ]
            )
        }
    }

    @Test func silenceAfterTheFinalDotIsAnUnknownOutcome() async throws {
        let script = SMTPFakeServer.accepting(extensions: ["PIPELINING"]) { line, _ in
            line == "<END OF DATA>" ? .silence : nil
        }
        try await Self.withServer(script) { server in
            var settings = try Self.settings(server)
            settings.timeouts.dataTermination = .milliseconds(300)
            let error = await Support.failure(
                SMTPClient(settings: settings, logger: Support.logger),
                Support.email(to: "a@b.example")
            )
            #expect(error?.kind == .unknownOutcome)
        }
    }

    @Test func silenceBeforeTheFinalDotIsTransient() async throws {
        let script = SMTPFakeServer.accepting { line, _ in line.hasPrefix("RCPT") ? .silence : nil }
        try await Self.withServer(script) { server in
            var settings = try Self.settings(server)
            settings.timeouts.rcptTo = .milliseconds(300)
            let error = await Support.failure(
                SMTPClient(settings: settings, logger: Support.logger),
                Support.email(to: "a@b.example")
            )
            #expect(error?.kind == .transient)
            #expect(error?.message.contains("did not answer in time") == true)
        }
    }

    @Test func aConnectionLostAfterTheFinalDotIsAnUnknownOutcome() async throws {
        let script = SMTPFakeServer.accepting { line, _ in line == "<END OF DATA>" ? .replyAndClose("") : nil }
        try await Self.withServer(script) { server in
            let error = await Support.failure(
                SMTPClient(settings: try Self.settings(server), logger: Support.logger),
                Support.email(to: "a@b.example")
            )
            #expect(error?.kind == .unknownOutcome)
        }
    }

    @Test func aServerThatSays354AfterARejectedRecipientGetsNoMessage() async throws {
        // Pipelined MAIL, RCPT, DATA: the RCPT is refused, yet DATA is answered 354. The message must
        // not be sent (the session is dropped instead); the next one goes over a new session.
        let script = SMTPFakeServer.accepting(extensions: ["PIPELINING", "SIZE 100000"]) { line, _ in
            line.hasPrefix("RCPT TO:<reject") ? .reply("550 5.1.1 no such user\r\n") : nil
        }
        try await Self.withServer(script) { server in
            let client = SMTPClient(settings: try Self.settings(server), logger: Support.logger)
            let error = await Support.failure(client, Support.email(to: "reject@b.example"))
            #expect(error?.kind == .permanent)
            #expect(error?.enhancedCode == "5.1.1")
            #expect(!server.lines.contains("<END OF DATA>"))
            _ = try await client.send(Support.email(to: "ok@b.example"))
            await client.shutdown()
            #expect(server.connections == 2)
            #expect(server.lines.contains { $0.hasPrefix("MAIL FROM:<tests@cairn.example> SIZE=") })
        }
    }

    @Test func aMessageLargerThanTheServersSizeIsPermanent() async throws {
        try await Self.withServer(SMTPFakeServer.accepting(extensions: ["SIZE 100"])) { server in
            let client = SMTPClient(settings: try Self.settings(server), logger: Support.logger)
            let error = await Support.failure(client, Support.email(to: "a@b.example"))
            await client.shutdown()
            #expect(error?.kind == .permanent)
            #expect(!server.lines.contains { $0.hasPrefix("MAIL") })
        }
    }
}
