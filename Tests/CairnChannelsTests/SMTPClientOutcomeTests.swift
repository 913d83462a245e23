import CairnChannels
import Foundation
import Testing

/// SMTPClient against aiosmtpd: how replies become outcomes, session reuse, dot-stuffing.
@Suite(.enabled(SMTPTestSink.skipMessage) { await SMTPTestSink.shouldRun() })
struct SMTPClientOutcomeTests {
    typealias Support = SMTPClientSecurityTests

    @Test func aTemporaryRejectionIsTransientWithItsEnhancedCode() async throws {
        try await SMTPTestSink.with { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)")
            let error = await Support.failure(client, Support.email(to: "tempfail-1@example.com"))
            #expect(error?.kind == .transient)
            #expect(error?.replyCode == 451)
            #expect(error?.enhancedCode == "4.3.0")
            #expect(error?.message.contains("sink: temporary failure") == true)
            // The session stays usable: the next message goes through on it after RSET.
            _ = try await client.send(Support.email(to: "ok@example.com"))
            await client.shutdown()
            #expect(try sink.deliveries(to: "ok@example.com").first?.envelope.connection == 1)
        }
    }

    @Test func aRejectedRecipientIsPermanent() async throws {
        try await SMTPTestSink.with { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)")
            let error = await Support.failure(client, Support.email(to: "reject-me@example.com"))
            #expect(error?.kind == .permanent)
            #expect(error?.replyCode == 550)
            #expect(error?.enhancedCode == "5.1.1")
            let dataError = await Support.failure(client, Support.email(to: "datafail-1@example.com"))
            #expect(dataError?.kind == .permanent)
            #expect(dataError?.replyCode == 554)
            #expect(dataError?.enhancedCode == "5.6.0")
            await client.shutdown()
        }
    }

    @Test func aFlakyRecipientIsTransientThenDelivered() async throws {
        try await SMTPTestSink.with { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)")
            let email = Support.email(to: "flaky-1-x@example.com")
            #expect(await Support.failure(client, email)?.kind == .transient)
            _ = try await client.send(email)
            await client.shutdown()
            #expect(try sink.deliveries(to: "flaky-1-x@example.com").count == 1)
        }
    }

    @Test func noReplyToTheFinalDotIsAnUnknownOutcome() async throws {
        try await SMTPTestSink.with { sink in
            var settings = try SMTPSettings(url: "smtp://127.0.0.1:\(sink.port)")
            settings.timeouts.dataTermination = .milliseconds(400)
            let client = SMTPClient(settings: settings, logger: Support.logger)
            let error = await Support.failure(client, Support.email(to: "slow-1@example.com"))
            #expect(error?.kind == .unknownOutcome)
            await client.shutdown()
        }
    }

    @Test func twentyMessagesShareAtMostMaxConnectionsSessions() async throws {
        try await SMTPTestSink.with { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)?max_connections=2")
            try await withThrowingTaskGroup(of: SMTPReceipt.self) { group in
                for index in 0..<20 {
                    group.addTask { try await client.send(Support.email(to: "many@example.com", id: "m-\(index)")) }
                }
                for try await receipt in group { #expect(receipt.replyCode == 250) }
            }
            // Sequential sends reuse one idle session.
            for index in 0..<3 { _ = try await client.send(Support.email(to: "seq@example.com", id: "s-\(index)")) }
            await client.shutdown()
            let many = try sink.deliveries(to: "many@example.com")
            #expect(many.count == 20)
            #expect(Set(many.map(\.envelope.connection)).count <= 2)
            #expect(Set(try sink.deliveries(to: "seq@example.com").map(\.envelope.connection)).count == 1)
        }
    }

    @Test(arguments: ["--rset-421", "--close-after-each"])
    func aSessionTheServerLetGoIsReplacedWithoutAFailure(flag: String) async throws {
        try await SMTPTestSink.with([flag]) { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)?max_connections=1")
            for index in 0..<3 { _ = try await client.send(Support.email(to: "idle@example.com", id: "i-\(index)")) }
            await client.shutdown()
            let deliveries = try sink.deliveries(to: "idle@example.com")
            #expect(deliveries.count == 3)
            #expect(Set(deliveries.map(\.envelope.connection)).count == 3)
        }
    }

    @Test func linesStartingWithADotArriveIntact() async throws {
        let text = ".hidden line\n..two dots\n.\nlast line ends with a dot."
        let email = Support.email(to: "dots@example.com", text: text)
        try await SMTPTestSink.with { sink in
            let client = try Support.client("smtp://127.0.0.1:\(sink.port)")
            _ = try await client.send(email)
            await client.shutdown()
            let delivery = try #require(try sink.deliveries(to: "dots@example.com").first)
            #expect(delivery.eml == email.bytes)
            #expect(delivery.text.contains("\r\n.hidden line\r\n..two dots\r\n.\r\nlast line"))
        }
    }

    @Test func aClosedPortIsTransient() async throws {
        // A port that was just free (the sink's, after it stopped) refuses connections.
        let port = try await SMTPTestSink.with { $0.port }
        let client = try Support.client("smtp://127.0.0.1:\(port)")
        let error = await Support.failure(client, Support.email(to: "nobody@example.com"))
        #expect(error?.kind == .transient)
    }
}
