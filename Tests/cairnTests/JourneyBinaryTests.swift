import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 24 through the real binary and a real SMTP server (aiosmtpd): the spec's start_journey,
/// with a journey of its id live, puts the customer on it; the first send arrives at once, the
/// second after a two-second wait, once, though the node is killed (`kill -9`) during the wait;
/// a customer entered at the middle step by stepIdToTrigger gets only what follows it.
@Suite(.serialized) struct JourneyBinaryTests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    /// The spec's example id.
    static let journeyId = "6046429d73096e3b2dca973d"
    static func step(_ n: Int) -> String { "9d2f0c1e-0000-4000-8000-00000000000\(n)" }

    static let definition = """
        {"name": "Abandoned booking", "reentry": "after_exit",
         "steps": [
           {"id": "\(step(1))", "type": "send", "assetId": "reminder", "next": "\(step(2))"},
           {"id": "\(step(2))", "type": "wait", "duration": "PT2S", "next": "\(step(3))"},
           {"id": "\(step(3))", "type": "split", "condition": {"trait": "tier", "equals": "gold"},
            "yes": "\(step(4))", "no": "\(step(5))"},
           {"id": "\(step(4))", "type": "send", "assetId": "gold-offer", "next": "\(step(5))"},
           {"id": "\(step(5))", "type": "exit"}]}
        """

    /// The sink's copies of mail to `address` whose subject holds `words`.
    static func copies(_ sink: TestPeer, to address: String, _ words: String) -> Int {
        sink.files(containing: address + "/").filter { $0.contains(words) }.count
    }

    static func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<1500 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
        try #require(condition(), "\(what)")
    }

    @Test func theSpecsStartJourneyArrivesOnTimeOnceAcrossAKill() async throws {
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0)) { sink in
            let directory = try TemporaryDirectory.make()
            let database = "sqlite:" + directory.appendingPathComponent("journeys.sqlite").path
            let environment = ["CAIRN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)?starttls=never"]
            let token = try await CairnBinary.createToken(database: database)
            let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
            let first = try await RunningServer.start(database: database, environment: environment)
            try await first.withClient { client in
                for (assetId, subject) in [
                    ("reminder", "Reminder {{bookingId}}"), ("gold-offer", "Gold {{journey.bookingId}}"),
                ] {
                    let saved = try await client.admin(
                        .put,
                        Self.brand + "/assets/" + assetId,
                        token: admin,
                        body:
                            #"{"channel":"email","purpose":"transactional","content":{"from":"Shop <shop@example.com>","subject":"\#(subject)","text":"Hi"}}"#
                    )
                    try #require(saved.0 == .ok, "\(saved.1)")
                    try #require(
                        try await client.admin(.post, Self.brand + "/assets/\(assetId)/publish", token: admin).0 == .ok
                    )
                }
                let created = try await client.admin(
                    .put,
                    Self.brand + "/journeys/" + Self.journeyId,
                    token: admin,
                    body: Self.definition
                )
                try #require(created.0 == .created, "a PUT of a new id creates the journey with it: \(created.1)")
                let published = try await client.admin(
                    .post,
                    Self.brand + "/journeys/\(Self.journeyId)/publish",
                    token: admin
                )
                try #require(published.0 == .ok, "\(published.1)")
            }
            for (user, email) in [("ada", "ada@example.org"), ("bob", "bob@example.org")] {
                let identify = #"{"userId":"\#(user)","traits":{"email":"\#(email)","tier":"gold"}}"#
                #expect(try await MultiNodeTests.post(to: first, token: token, body: identify) != nil)
            }
            // The spec's example, with its journey id.
            let start = try #require(
                try await SendTests.track(
                    first,
                    token,
                    #"{"userId":"ada","event":"start_journey","properties":{"journeyIdToTrigger":"6046429d73096e3b2dca973d","bookingId":"BK1"}}"#
                )
            )
            let middle = try #require(
                try await SendTests.track(
                    first,
                    token,
                    #"{"userId":"bob","event":"start_journey","properties":{"journeyIdToTrigger":"6046429d73096e3b2dca973d","stepIdToTrigger":"\#(Self.step(3))","bookingId":"BK2"}}"#
                )
            )
            try await Self.waitFor("the reminder arrives at once") {
                Self.copies(sink, to: "ada@example.org", "Reminder BK1") == 1
            }
            let status = try await SendTests.status(first, token, start)
            #expect(status["journeys"]?.arrayValue?.first?["journeyId"] == .string(Self.journeyId))
            // Killed during the wait: the step after it is the next node's.
            #expect(await first.stop(signal: SIGKILL) == SIGKILL)
            let second = try await RunningServer.start(database: database, environment: environment)
            try await Self.waitFor("the gold offer arrives after the wait") {
                Self.copies(sink, to: "ada@example.org", "Gold BK1") == 1
            }
            try await Self.waitFor("bob, entered at the split, gets the gold offer") {
                Self.copies(sink, to: "bob@example.org", "Gold BK2") == 1
            }
            // Nothing more comes: the instances ended (a later look finds the same copies).
            let ended = try await SendTests.status(second, token, start)
            #expect(ended["journeys"]?.arrayValue?.first?["status"] == "completed")
            #expect(Self.copies(sink, to: "ada@example.org", "Reminder BK1") == 1, "sent once")
            #expect(Self.copies(sink, to: "ada@example.org", "Gold BK1") == 1, "sent once")
            #expect(Self.copies(sink, to: "bob@example.org", "Reminder") == 0, "bob entered after the reminder")
            _ = middle
            #expect(await second.stop() == 0)
        }
    }
}
