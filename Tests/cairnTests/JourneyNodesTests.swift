import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 24 on PostgreSQL: two nodes step one journey's customers, one is killed (`kill -9`)
/// while their timers fall due, and every due step still runs exactly once: each customer has one
/// reminder and, after the wait, one gold offer, and both arrive.
@Suite(.serialized) struct JourneyNodesTests {
    @Test(
        .enabled(if: PostgresServeTests.server != nil || PostgresServeTests.required, "CAIRN_TEST_POSTGRES is not set")
    )
    func twoNodesStepEveryDueStepOnceThoughOneIsKilled() async throws {
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0)) { sink in
            let database = try await PostgresServeTests.freshDatabase()
            let environment = [
                "CAIRN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never&max_connections=8",
                "CAIRN_SECRET_KEY": SecretKey.generate().base64,
            ]
            let token = try await CairnBinary.createToken(database: database)
            let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
            let arguments = ["--journey-lease", "2", "--send-lease", "2"]
            let first = try await RunningServer.start(
                database: database,
                extraArguments: arguments,
                environment: environment
            )
            let second = try await RunningServer.start(
                database: database,
                extraArguments: arguments,
                environment: environment
            )
            let brand = JourneyBinaryTests.brand
            try await first.withClient { client in
                for (assetId, subject) in [("reminder", "Reminder {{n}}"), ("gold-offer", "Gold {{n}}")] {
                    let saved = try await client.admin(
                        .put,
                        brand + "/assets/" + assetId,
                        token: admin,
                        body:
                            #"{"channel":"email","purpose":"transactional","content":{"from":"Shop <shop@example.com>","subject":"\#(subject)","text":"Hi"}}"#
                    )
                    try #require(saved.0 == .ok, "\(saved.1)")
                    try #require(
                        try await client.admin(.post, brand + "/assets/\(assetId)/publish", token: admin).0 == .ok
                    )
                }
                let definition = JourneyBinaryTests.definition.replacingOccurrences(of: "PT2S", with: "PT3S")
                let created = try await client.admin(
                    .put,
                    brand + "/journeys/" + JourneyBinaryTests.journeyId,
                    token: admin,
                    body: definition
                )
                try #require(created.0 == .created, "\(created.1)")
                let published = try await client.admin(
                    .post,
                    brand + "/journeys/\(JourneyBinaryTests.journeyId)/publish",
                    token: admin
                )
                try #require(published.0 == .ok)
            }
            let customers = 30
            let items = (0..<customers).flatMap { n in
                [
                    #"{"type":"identify","userId":"c\#(n)","traits":{"email":"c\#(n)@example.org","tier":"gold"}}"#,
                    #"{"type":"track","userId":"c\#(n)","event":"start_journey","properties":{"journeyIdToTrigger":"\#(JourneyBinaryTests.journeyId)","n":"\#(n)"}}"#,
                ]
            }
            let (status, answer) = try await first.withClient { client in
                try await client.send(
                    "/track/hea/hea/HEA/v1/batch",
                    token: token,
                    body: #"{"batch":[\#(items.joined(separator: ","))]}"#
                )
            }
            try #require(status == .ok, "\(answer)")
            // How many customers got mail whose subject is `words(n)`: the sink's folder read once a look.
            func count(_ words: (Int) -> String) -> Int {
                let mail = Self.mailByRecipient(sink)
                return (0..<customers).filter { n in
                    (mail["c\(n)@example.org"] ?? []).contains { Self.hasSubject($0, words(n)) }
                }.count
            }
            try await JourneyBinaryTests.waitFor("every reminder arrives") { count { "Reminder \($0)" } == customers }
            // The waits fall due three seconds after the reminders: kill one node as the first
            // gold offer arrives, while the others fall due.
            try await JourneyBinaryTests.waitFor("the first gold offer arrives") { count { "Gold \($0)" } >= 1 }
            #expect(await first.stop(signal: SIGKILL) == SIGKILL)
            try await JourneyBinaryTests.waitFor("every gold offer arrives") { count { "Gold \($0)" } == customers }
            // Every step ran once: one message of each asset per customer (the outbox itself may
            // deliver a message caught mid-send by the kill twice; that is its own promise).
            for n in 0..<customers {
                let (_, listed) = try await second.withClient { client in
                    try await client.admin(.get, brand + "/messages?userId=c\(n)", token: admin)
                }
                let assets = (listed["messages"]?.arrayValue ?? []).compactMap { $0["assetId"]?.stringValue }.sorted()
                #expect(assets == ["gold-offer", "reminder"], "c\(n): \(assets)")
            }
            #expect(await second.stop() == 0)
        }
    }

    /// The sink's mail by recipient (its folders), as text.
    static func mailByRecipient(_ sink: TestPeer) -> [String: [String]] {
        var mail: [String: [String]] = [:]
        let enumerator = FileManager.default.enumerator(at: sink.directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard !url.hasDirectoryPath, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            mail[url.deletingLastPathComponent().lastPathComponent, default: []].append(text)
        }
        return mail
    }

    /// Whether a message's subject is exactly `subject`.
    static func hasSubject(_ message: String, _ subject: String) -> Bool {
        message.contains("Subject: \(subject)\r\n") || message.contains("Subject: \(subject)\n")
    }
}
