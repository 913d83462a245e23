import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import _CryptoExtras

/// Issue 23 on PostgreSQL: two nodes share the pushes and letters of one outbox, and nothing is
/// sent twice: every app token reaches the FCM stand-in once, every letter is one folder of the
/// shared spool.
@Suite(.serialized) struct PushPrintNodesTests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let email = "cairn-push@example-project.iam.gserviceaccount.com"

    @Test(
        .enabled(if: PostgresServeTests.server != nil || PostgresServeTests.required, "CAIRN_TEST_POSTGRES is not set")
    )
    func twoNodesSharePushesAndLettersWithoutSendingTwice() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let directory = try TemporaryDirectory.make()
        let publicKey = directory.appendingPathComponent("public.pem")
        try key.publicKey.pemRepresentation.write(to: publicKey, atomically: true, encoding: .utf8)
        let fcmArguments = [
            "--port", "0", "--public-key", publicKey.path, "--client-email", Self.email, "--project", "example-project",
        ]
        try await TestPeer.with("fcm_fake.py", fcmArguments) { fcm in
            let database = try await PostgresServeTests.freshDatabase()
            let spool = directory.appendingPathComponent("letters")
            let token = try await CairnBinary.createToken(database: database)
            let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
            let arguments = ["--allow-private-urls", "--print-spool", spool.path]
            let environment = ["CAIRN_SECRET_KEY": SecretKey.generate().base64]
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
            let account: JSONValue = [
                "type": "service_account", "project_id": "example-project",
                "private_key": .string(key.pemRepresentation), "client_email": .string(Self.email),
                "token_uri": .string("http://127.0.0.1:\(fcm.port)/token"),
            ]
            try await first.withClient { client in
                let channel = try await client.admin(
                    .put,
                    Self.brand + "/channels/push",
                    token: admin,
                    body: JSONValue.object([
                        "provider": "fcm", "serviceAccount": account,
                        "baseUrl": .string("http://127.0.0.1:\(fcm.port)"),
                    ]).encodedString()
                )
                try #require(channel.0 == .ok, "\(channel.1)")
                for (assetId, body) in [
                    (
                        "alert",
                        #"{"channel":"push","purpose":"transactional","content":{"title":"Hi","body":"B {{n}}"}}"#
                    ),
                    (
                        "letter",
                        #"{"channel":"print","purpose":"transactional","content":{"html":"<p>Letter {{n}}</p>"}}"#
                    ),
                ] {
                    try #require(
                        try await client.admin(.put, Self.brand + "/assets/" + assetId, token: admin, body: body).0
                            == .ok
                    )
                    try #require(
                        try await client.admin(.post, Self.brand + "/assets/\(assetId)/publish", token: admin).0 == .ok
                    )
                }
            }
            // Half the customers' commands reach each node; either node may send any message.
            let customers = 40
            var commands: [String] = []
            for (index, server) in [(0, first), (1, second)] {
                let mine = stride(from: index, to: customers, by: 2)
                let items = mine.flatMap { number -> [String] in
                    let user = "u\(number)"
                    return [
                        #"{"type":"identify","userId":"\#(user)","traits":{"firstName":"C\#(number)","address":{"addressLine1":"\#(number) Road","postalCode":"AB\#(number)"}}}"#,
                        #"{"type":"track","userId":"\#(user)","event":"register push","properties":{"deviceId":"a","deviceType":"Android","fcmToken":"token-\#(number)-a"}}"#,
                        #"{"type":"track","userId":"\#(user)","event":"register push","properties":{"deviceId":"b","deviceType":"iOS","fcmToken":"token-\#(number)-b"}}"#,
                        #"{"type":"track","userId":"\#(user)","event":"send_push","assetId":"alert","properties":{"n":"\#(number)"}}"#,
                        #"{"type":"track","userId":"\#(user)","event":"send_print","assetId":"letter","properties":{"n":"\#(number)"}}"#,
                    ]
                }
                let (status, answer) = try await server.withClient { client in
                    try await client.send(
                        "/track/hea/hea/HEA/v1/batch",
                        token: token,
                        body: #"{"batch":[\#(items.joined(separator: ","))]}"#
                    )
                }
                try #require(status == .ok, "\(answer)")
                let ids = answer["eventIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
                commands += stride(from: 3, to: ids.count, by: 5).flatMap { [ids[$0], ids[$0 + 1]] }
            }
            #expect(commands.count == customers * 2)
            for eventId in commands {
                var done = false
                for _ in 0..<1500 where !done {
                    let status = try await SendTests.status(first, token, eventId)
                    let statuses = status["messages"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
                    done = !statuses.isEmpty && statuses.allSatisfy { $0 == "sent" }
                    if !done { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(done, "event \(eventId)'s messages were not all sent")
            }
            let pushed = try await PushTests.control(fcm, "/_control/messages")["messages"]?.arrayValue ?? []
            let tokens = pushed.compactMap { $0["token"]?.stringValue }
            #expect(tokens.count == customers * 2, "each device once")
            #expect(Set(tokens).count == tokens.count, "no device twice")
            #expect(PrintTests.letters(spool).count == customers, "one letter each")
            let sentByFirst = try await Self.sent(first)
            let sentBySecond = try await Self.sent(second)
            #expect(sentByFirst + sentBySecond == Double(customers * 3), "each message sent once, by one node")
            #expect(sentByFirst > 0 && sentBySecond > 0, "first \(sentByFirst), second \(sentBySecond)")
            #expect(await first.stop() == 0)
            #expect(await second.stop() == 0)
        }
    }

    /// The node's sent pushes and letters, from its /metrics.
    static func sent(_ server: RunningServer) async throws -> Double {
        let text = try await server.withClient { client in
            String(buffer: try await client.get("/metrics").body ?? .init())
        }
        return text.split(separator: "\n").filter {
            $0.hasPrefix("cairn_messages_total{") && $0.contains(#"outcome="sent""#)
                && ($0.contains(#"channel="push""#) || $0.contains(#"channel="print""#))
        }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }
}
