import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The outbox through the real binary and a real SMTP server: a provider down then up, a
/// permanent refusal, `kill -9` with messages mid-send, and two PostgreSQL nodes sharing one outbox.
@Suite(.serialized) struct OutboxRecoveryTests {
    @Test func aProviderDownThenUpGetsTheMessageSentAfterRetries() async throws {
        // Nothing listens on the SMTP port yet: every attempt fails to connect (transient). The port
        // is held meanwhile, so that no other test's server takes it (and holds a connection
        // waiting for a greeting that never comes).
        let reservation = try PortReservation()
        let smtpPort = reservation.port
        let mail = try await MailScenario.start(
            database: "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("down.sqlite").path),
            smtpPort: smtpPort,
            extraArguments: ["--send-attempts", "50", "--send-retry-base-ms", "20"]
        )
        let ids = try await mail.queue(["ada@example.org", "reject-bob@example.org"])
        let waiting = try await mail.waitForMessage(ids["ada@example.org"]!) {
            $0["status"] == "queued" && ($0["attempts"]?.intValue ?? 0) >= 2
        }
        #expect(waiting["error"]?["code"] == "provider_unavailable", "\(waiting)")

        // The server comes up on that port: the next attempt goes through.
        reservation.release()
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: smtpPort)) { sink in
            let sent = try await mail.waitForMessage(ids["ada@example.org"]!) { $0["status"] == "sent" }
            #expect((sent["attempts"]?.intValue ?? 0) >= 3)
            #expect(sink.files(containing: "ada@example.org").filter { $0.contains("Message-ID") }.count == 1)

            // A 5xx reply is permanent: failed after the one attempt that met the server.
            let refused = try await mail.waitForMessage(ids["reject-bob@example.org"]!) { $0["status"] == "failed" }
            #expect(refused["error"]?["code"] == "provider_rejected", "\(refused)")
            #expect(refused["error"]?["message"]?.stringValue?.contains("5.1.1") == true, "\(refused)")
            let attempts = refused["attempts"]?.intValue ?? 0
            try await Task.sleep(for: .milliseconds(300))
            let later = try await mail.message(ids["reject-bob@example.org"]!)
            #expect(later["attempts"]?.intValue == attempts, "a failed message is not tried again")
        }
        #expect(await mail.server.stop() == 0)
    }

    @Test func kill9WithMessagesMidSendLosesNoneAndResendsOnlyThoseMidSend() async throws {
        // The sink holds the slow ones until the test lets them go (after the kill), however
        // long it takes this machine to get there.
        let hold = ["--hold-slow-until", "{dir}/release-slow"]
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0) + hold) { sink in
            let path = try TemporaryDirectory.make().appendingPathComponent("kill.sqlite").path
            let database = "sqlite:" + path
            let lease = ["--send-lease", "5"]
            let mail = try await MailScenario.start(database: database, smtpPort: sink.port, extraArguments: lease)
            // Eight the sink holds before answering the final dot, twenty it takes at once.
            let slow = (0..<8).map { "slow-\($0)@example.org" }
            let quick = (0..<20).map { "quick-\($0)@example.org" }
            let ids = try await mail.queue(slow + quick)
            // Kill once the quick ones have arrived and the slow ones are on the wire (polled;
            // two minutes bound a hang).
            for _ in 0..<6000 {
                let arrived = quick.filter { !sink.files(containing: $0 + "/").isEmpty }.count
                let sending = try await mail.messages(status: "sending")
                if arrived == quick.count, sending.count == slow.count { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await mail.server.stop(signal: SIGKILL) == SIGKILL)
            _ = FileManager.default.createFile(
                atPath: sink.directory.appendingPathComponent("release-slow").path,
                contents: nil
            )
            // What the outbox held at the crash, read from the database file itself.
            let midSend = try await MailScenario.recipients(inStatus: "sending", sqlite: path)
            #expect(Set(slow).isSubset(of: midSend), "the slow ones were mid-send: \(midSend)")

            let restarted = try await MailScenario.start(
                database: database,
                smtpPort: sink.port,
                extraArguments: lease,
                token: mail.token,
                admin: mail.admin
            )
            for (recipient, eventId) in ids {
                let message = try await restarted.waitForMessage(eventId, attempts: 1500) { $0["status"] == "sent" }
                #expect(message["to"]?.stringValue == recipient)
            }
            for recipient in slow + quick {
                let copies = sink.files(containing: recipient + "/").filter { $0.contains("Message-ID") }.count
                if midSend.contains(recipient) {
                    #expect((1...2).contains(copies), "\(recipient) was mid-send: once or twice, not \(copies)")
                } else {
                    #expect(copies == 1, "\(recipient) was sent \(copies) times")
                }
            }
            #expect(await restarted.server.stop() == 0)
        }
    }

    @Test func aNodeWithoutTheOutboxQueuesMessagesForAnotherToSend() async throws {
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0)) { sink in
            let database =
                "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("no-outbox.sqlite").path)
            let quiet = try await MailScenario.start(
                database: database,
                smtpPort: sink.port,
                extraArguments: ["--no-outbox"]
            )
            let ids = try await quiet.queue(["ada@example.org"])
            let eventId = try #require(ids["ada@example.org"])
            let queued = try await quiet.waitForMessage(eventId) { $0["status"] == "queued" }
            #expect(queued["attempts"] == 0)
            // Longer than an idle outbox waits before it looks again: still nothing sent.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await quiet.message(eventId)["status"] == "queued")
            #expect(sink.files(containing: "ada@example.org/").isEmpty)
            #expect(await quiet.server.stop() == 0)

            let sender = try await MailScenario.start(
                database: database,
                smtpPort: sink.port,
                token: quiet.token,
                admin: quiet.admin
            )
            _ = try await sender.waitForMessage(eventId) { $0["status"] == "sent" }
            #expect(sink.files(containing: "ada@example.org/").count == 2, "the message and its envelope")
            #expect(await sender.server.stop() == 0)
        }
    }

    @Test(
        .enabled(if: PostgresServeTests.server != nil || PostgresServeTests.required, "CAIRN_TEST_POSTGRES is not set")
    )
    func twoPostgresNodesShareOneOutboxWithoutSendingTwice() async throws {
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0)) { sink in
            let database = try await PostgresServeTests.freshDatabase()
            let key = ["CAIRN_SECRET_KEY": SecretKey.generate().base64]
            let first = try await MailScenario.start(database: database, smtpPort: sink.port, environment: key)
            let second = try await MailScenario.start(
                database: database,
                smtpPort: sink.port,
                environment: key,
                token: first.token,
                admin: first.admin
            )
            // Half the commands reach each node; either node may send any of them.
            let recipients = (0..<200).map { "user-\($0)@example.org" }
            async let fromFirst = first.queue(Array(recipients[..<100]))
            async let fromSecond = second.queue(Array(recipients[100...]))
            let ids = try await fromFirst.merging(try await fromSecond) { $1 }
            for (recipient, eventId) in ids {
                let message = try await first.waitForMessage(eventId, attempts: 1500) { $0["status"] == "sent" }
                #expect(message["attempts"] == 1, "\(recipient)")
            }
            for recipient in recipients {
                let copies = sink.files(containing: recipient + "/").filter { $0.contains("Message-ID") }.count
                #expect(copies == 1, "\(recipient) was sent \(copies) times")
            }
            // Both nodes took part: each one's metrics count messages it sent.
            let sentByFirst = try await first.sentCount()
            let sentBySecond = try await second.sentCount()
            #expect(sentByFirst + sentBySecond == Double(recipients.count))
            #expect(sentByFirst > 0 && sentBySecond > 0, "first \(sentByFirst), second \(sentBySecond)")
            #expect(await first.server.stop() == 0)
            #expect(await second.server.stop() == 0)
        }
    }
}

/// A `cairn serve` sending email to an SMTP sink on loopback, with a transactional email asset
/// `note` and the tokens to use it.
struct MailScenario {
    let server: RunningServer
    let token: String
    let admin: String
    static let brand = "/admin/v1/brands/hea/hea/HEA"

    /// The sink's arguments: plain SMTP on `port` (0 for any), its spool in its own folder.
    static func sinkArguments(port: Int) -> [String] {
        ["--port", "\(port)", "--spool", "{dir}/spool", "--exit-on-stdin-eof"]
    }

    /// Starts the server (making the tokens and publishing the asset unless they are given).
    static func start(
        database: String,
        smtpPort: Int,
        extraArguments: [String] = [],
        environment: [String: String] = [:],
        token: String? = nil,
        admin: String? = nil
    ) async throws -> MailScenario {
        let isNew = admin == nil
        var token = token ?? ""
        var admin = admin ?? ""
        if isNew {
            token = try await CairnBinary.createToken(database: database)
            admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        }
        let server = try await RunningServer.start(
            database: database,
            extraArguments: extraArguments,
            environment: environment.merging([
                "CAIRN_SMTP_URL": "smtp://127.0.0.1:\(smtpPort)?starttls=never&max_connections=16"
            ]) { $1 }
        )
        let scenario = MailScenario(server: server, token: token, admin: admin)
        if isNew { try await scenario.publishNote() }
        return scenario
    }

    private func publishNote() async throws {
        try await server.withClient { [admin] client in
            let saved = try await client.admin(
                .put,
                Self.brand + "/assets/note",
                token: admin,
                body: """
                    {"channel":"email","purpose":"transactional","content":{"from":"Shop <shop@example.com>",
                    "subject":"A note for {{customer.userId}}","text":"Hello {{customer.userId}}"}}
                    """
            )
            try #require(saved.0 == .ok, "\(saved.1)")
            try #require(try await client.admin(.post, Self.brand + "/assets/note/publish", token: admin).0 == .ok)
        }
    }

    /// Identifies one customer per address and sends each the note; the send_email event ids by address.
    func queue(_ recipients: [String]) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for chunk in stride(from: 0, to: recipients.count, by: 50).map({
            recipients[$0..<min($0 + 50, recipients.count)]
        }) {
            let items = chunk.flatMap { address in
                [
                    #"{"type":"identify","userId":"\#(address)","traits":{"email":"\#(address)"}}"#,
                    #"{"type":"track","userId":"\#(address)","event":"send_email","assetId":"note"}"#,
                ]
            }
            let (status, answer) = try await server.withClient { [token] client in
                try await client.send(
                    "/track/hea/hea/HEA/v1/batch",
                    token: token,
                    body: #"{"batch":[\#(items.joined(separator: ","))]}"#
                )
            }
            try #require(status == .ok, "\(answer)")
            let eventIds = answer["eventIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
            try #require(eventIds.count == items.count)
            for (index, address) in chunk.enumerated() { ids[address] = eventIds[index * 2 + 1] }
        }
        return ids
    }

    /// The first message of the event, as its status shows it.
    func message(_ eventId: String) async throws -> JSONValue {
        try await SendTests.status(server, token, eventId)["messages"]?.arrayValue?.first ?? .null
    }

    /// The event's first message once it satisfies `done`.
    func waitForMessage(
        _ eventId: String,
        attempts: Int = 750,
        _ done: (JSONValue) -> Bool
    ) async throws -> JSONValue {
        var last: JSONValue = .null
        for _ in 0..<attempts {
            last = try await message(eventId)
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestPeer.Failure(description: "event \(eventId)'s message stayed \(last)\n\(server.log)")
    }

    /// The brand's messages in `status`, from the admin API.
    func messages(status: String) async throws -> [JSONValue] {
        let (_, answer) = try await server.withClient { [admin] client in
            try await client.admin(.get, Self.brand + "/messages?status=\(status)&limit=500", token: admin)
        }
        return answer["messages"]?.arrayValue ?? []
    }

    /// `cairn_messages_total{channel="email",outcome="sent"}` from the node's /metrics.
    func sentCount() async throws -> Double {
        let text = try await server.withClient { client in
            let response = try await client.get("/metrics")
            return String(buffer: response.body ?? .init())
        }
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("cairn_messages_total{") && $0.contains(#"outcome="sent""#)
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// The recipients of the messages a stopped server's SQLite database holds in `status`.
    static func recipients(inStatus status: String, sqlite path: String) async throws -> Set<String> {
        let output = try await CairnBinary.runTool(
            "sqlite3",
            [path, "SELECT recipient FROM messages WHERE status = '\(status)'"]
        )
        try #require(output.status == 0, "sqlite3: \(output.stderr)")
        return Set(output.stdout.split(separator: "\n").map(String.init))
    }
}

extension JSONValue {
    /// A whole number's value.
    fileprivate var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }
}
