import CairnChannels
import Testing

/// PIPELINING end to end: the replies to a whole group arriving in one write are matched to
/// their commands in order.
@Suite struct SMTPClientPipeliningTests {
    typealias Support = SMTPClientSecurityTests
    typealias FakeServer = SMTPClientFakeServerTests

    /// A server that answers MAIL, RCPT and DATA only once DATA arrives, all in one write.
    static func answeringTogether(_ replies: String) -> SMTPFakeServer.Script {
        SMTPFakeServer.accepting(extensions: ["PIPELINING"]) { line, _ in
            if line.hasPrefix("MAIL") || line.hasPrefix("RCPT") { return .silence }
            if line == "DATA" { return .reply(replies) }
            return nil
        }
    }

    @Test func repliesArrivingTogetherDeliverTheMessage() async throws {
        let script = Self.answeringTogether("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n")
        try await FakeServer.withServer(script) { server in
            let client = SMTPClient(settings: try FakeServer.settings(server), logger: Support.logger)
            let receipt = try await client.send(Support.email(to: "ann@example.com"))
            #expect(receipt.serverReply == "250 2.0.0 Ok: queued as FAKE1")
            await client.shutdown()
        }
    }

    @Test func aRefusedRecipientAmongRepliesArrivingTogetherKeepsTheSession() async throws {
        let script = Self.answeringTogether("250 2.1.0 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no recipients\r\n")
        try await FakeServer.withServer(script) { server in
            let client = SMTPClient(settings: try FakeServer.settings(server), logger: Support.logger)
            let error = await Support.failure(client, Support.email(to: "ann@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.enhancedCode == "5.1.1")
            #expect(error?.message.contains("answered RCPT TO with 550 5.1.1 no such user") == true)
            #expect(!server.lines.contains("<END OF DATA>"))
            // The session carries the next message, after RSET.
            let again = await Support.failure(client, Support.email(to: "ann@example.com"))
            #expect(again?.enhancedCode == "5.1.1")
            #expect(server.lines.contains("RSET"))
            await client.shutdown()
            #expect(server.connections == 1)
        }
    }
}
