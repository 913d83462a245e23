import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import _CryptoExtras

/// send_push through the real binary to every device a customer registered: two apps through a
/// stand-in for FCM's HTTP v1 API and Google's token endpoint (which verifies the RS256
/// assertion with Python's cryptography), two browsers through a stand-in push service (which
/// decrypts with http_ece and verifies the VAPID token). One app's token is unregistered and one
/// browser's subscription is gone (410): those devices are removed with their messages'
/// failures, and the next send_push reaches the other two.
@Suite(.serialized) struct PushTests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let email = "cairn-push@example-project.iam.gserviceaccount.com"

    @Test func aPushReachesEveryDeviceAndAnUnregisteredOneIsRemoved() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let directory = try TemporaryDirectory.make()
        let publicKey = directory.appendingPathComponent("public.pem")
        try key.publicKey.pemRepresentation.write(to: publicKey, atomically: true, encoding: .utf8)
        let fcmArguments = [
            "--port", "0", "--public-key", publicKey.path, "--client-email", Self.email, "--project", "example-project",
        ]
        try await TestPeer.with("fcm_fake.py", fcmArguments) { fcm in
            try await TestPeer.with("webpush_fake.py", ["--port", "0"]) { webPush in
                try await Self.push(through: fcm, webPush: webPush, key: key, directory: directory)
            }
        }
    }

    static func push(
        through fcm: TestPeer,
        webPush: TestPeer,
        key: _RSA.Signing.PrivateKey,
        directory: URL
    )
        async throws
    {
        let account: JSONValue = [
            "type": "service_account", "project_id": "example-project", "private_key_id": "k1",
            "private_key": .string(key.pemRepresentation), "client_email": .string(Self.email),
            "token_uri": .string("http://127.0.0.1:\(fcm.port)/token"),
        ]
        let accountFile = directory.appendingPathComponent("service-account.json")
        try Data(account.encoded()).write(to: accountFile)
        let database = "sqlite:" + directory.appendingPathComponent("push.sqlite").path
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let server = try await RunningServer.start(
            database: database,
            extraArguments: ["--allow-private-urls"],
            environment: [
                "CAIRN_FCM_SERVICE_ACCOUNT": accountFile.path, "CAIRN_VAPID_SUBJECT": "mailto:push@shop.example",
            ]
        )
        // FCM's own address is not a test's: the default provider's baseUrl is FCM's, so the
        // brand sets its own pointing at the stand-in (allowed by --allow-private-urls).
        try await server.withClient { client in
            let channel = try await client.admin(
                .put,
                brand + "/channels/push",
                token: admin,
                body: JSONValue.object([
                    "provider": "fcm", "serviceAccount": account, "baseUrl": .string("http://127.0.0.1:\(fcm.port)"),
                    "webPush": ["subject": "mailto:push@shop.example"],
                ]).encodedString()
            )
            #expect(channel.0 == .ok, "\(channel.1)")
            #expect(channel.1["channel"]?["settings"]?["serviceAccount"]?["private_key"] == "********")
            let asset = try await client.admin(
                .put,
                brand + "/assets/booking-push",
                token: admin,
                body: """
                    {"channel":"push","purpose":"transactional","content":{"title":"Hi {{customer.firstName}}",
                    "body":"Booking {{bookingId}} is waiting","url":"https://shop.example/b/{{bookingId}}",
                    "data":{"bookingId":"{{bookingId}}"}}}
                    """
            )
            #expect(asset.0 == .ok, "\(asset.1)")
            #expect(try await client.admin(.post, brand + "/assets/booking-push/publish", token: admin).0 == .ok)
        }
        let laptop = try await Self.control(webPush, "/_control/subscribe?name=laptop", method: .post)
        // A browser whose subscription the push service has let go: it answers 410 Gone.
        let oldLaptop = try await Self.control(webPush, "/_control/subscribe?name=gone-laptop", method: .post)
        let registrations = [
            #"{"userId":"ada","traits":{"firstName":"Ada"}}"#,
            #"{"userId":"ada","event":"register push","properties":{"deviceId":"phone","deviceType":"iOS","fcmToken":"phone-token-1"}}"#,
            #"{"userId":"ada","event":"Register Push","properties":{"deviceId":"tablet","deviceType":"Android","fcmToken":"unregistered-tablet"}}"#,
            JSONValue.object([
                "userId": "ada", "event": "register push",
                "properties": ["deviceId": "laptop", "deviceType": "Web", "subscription": laptop],
            ]).encodedString(),
            JSONValue.object([
                "userId": "ada", "event": "register push",
                "properties": ["deviceId": "old-laptop", "deviceType": "Web", "subscription": oldLaptop],
            ]).encodedString(),
        ]
        for body in registrations {
            let path = body.contains("traits") ? "/track/hea/hea/HEA/v1/identify" : "/track/hea/hea/HEA/v1/track"
            let (status, answer) = try await server.withClient { client in
                try await client.send(path, token: token, body: body)
            }
            #expect(status == .ok, "\(answer)")
        }
        let first = try #require(
            try await SendTests.track(
                server,
                token,
                #"{"userId":"ada","event":"send_push","assetId":"booking-push","properties":{"bookingId":"B1"}}"#
            )
        )
        let firstStatus = try await Self.waitForMessages(server, token, first, count: 4)
        let byDevice = Dictionary(
            uniqueKeysWithValues: (firstStatus["messages"]?.arrayValue ?? []).compactMap { message in
                message["to"]?.stringValue.map { ($0, message) }
            }
        )
        #expect(byDevice["phone"]?["status"] == "sent")
        #expect(byDevice["phone"]?["channel"] == "push")
        #expect(byDevice["laptop"]?["status"] == "sent")
        #expect(byDevice["tablet"]?["status"] == "failed")
        #expect(byDevice["tablet"]?["error"]?["code"] == "device_unregistered")
        #expect(byDevice["old-laptop"]?["status"] == "failed")
        #expect(byDevice["old-laptop"]?["error"]?["code"] == "device_unregistered", "a 410 endpoint is removed")
        let meta = try await server.withClient { client in
            try await client.fetch("/track/hea/hea/HEA/v1/profiles/userId:ada/meta", token: token)
        }.1
        #expect(meta["devices"]?.arrayValue?.compactMap { $0["deviceId"]?.stringValue } == ["laptop", "phone"])

        let second = try #require(
            try await SendTests.track(
                server,
                token,
                #"{"userId":"ada","event":"send_push","assetId":"booking-push","properties":{"bookingId":"B2"}}"#
            )
        )
        let secondStatus = try await Self.waitForMessages(server, token, second, count: 2)
        #expect(
            secondStatus["messages"]?.arrayValue?.compactMap { $0["to"]?.stringValue }.sorted() == ["laptop", "phone"]
        )

        let apps = try await Self.control(fcm, "/_control/messages")["messages"]?.arrayValue ?? []
        #expect(apps.compactMap { $0["token"]?.stringValue } == ["phone-token-1", "phone-token-1"])
        #expect(apps.first?["notification"] == ["title": "Hi Ada", "body": "Booking B1 is waiting"])
        #expect(apps.first?["data"] == ["bookingId": "B1", "url": "https://shop.example/b/B1"])
        #expect(try await Self.control(fcm, "/_control/tokens")["issued"] == 1, "one access token for every send")

        let browsers = try await Self.control(webPush, "/_control/messages")
        #expect(browsers["refused"]?.arrayValue == [])
        let pushes = browsers["messages"]?.arrayValue ?? []
        #expect(
            pushes.compactMap { $0["payload"]?["body"]?.stringValue } == [
                "Booking B1 is waiting", "Booking B2 is waiting",
            ]
        )
        let served = try await server.withClient { client in
            try await client.fetch("/tag/v1/hea/hea/HEA/push-key", token: "")
        }
        #expect(served.0 == .ok)
        #expect(pushes.first?["vapidKey"] != nil)
        #expect(pushes.first?["vapidKey"] == served.1["publicKey"], "the key browsers subscribe with signs the pushes")
        #expect(pushes.first?["sub"] == "mailto:push@shop.example")

        let log = server.log
        #expect(!log.contains("PRIVATE KEY"), "the service account's key never reaches the log")
        #expect(!log.contains("phone-token-1"))
        #expect(await server.stop() == 0)
    }

    /// The event's status once it has `count` messages and none is queued or sending.
    static func waitForMessages(
        _ server: RunningServer,
        _ token: String,
        _ id: String,
        count: Int
    ) async throws
        -> JSONValue
    {
        var last: JSONValue = .null
        for _ in 0..<750 {
            last = try await SendTests.status(server, token, id)
            let statuses = last["messages"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
            if statuses.count == count, !statuses.contains(where: { $0 == "queued" || $0 == "sending" }) {
                return last
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestPeer.Failure(description: "event \(id)'s pushes did not all end: \(last)\n\(server.log)")
    }

    /// A peer's control endpoint, as JSON.
    static func control(_ peer: TestPeer, _ path: String, method: HTTPRequest.Method = .get) async throws -> JSONValue {
        try await TestClient.withClient(host: "127.0.0.1", port: peer.port) { client in
            let response = try await client.execute(TestClient.Request(path, method: method, headers: [:], body: nil))
            return try JSONParser.parse(Array((response.body ?? ByteBuffer()).readableBytesView))
        }
    }
}
