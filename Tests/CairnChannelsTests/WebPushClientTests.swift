import AsyncHTTPClient
import CairnCore
import CairnTestFixtures
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CairnChannels

/// Issue 23: pushes to browsers, checked by an independent implementation
/// (`Tests/Peers/webpush_fake.py`: http_ece decrypts the payload with the browser's key, and
/// cryptography verifies the VAPID token), and each push service's answer as what the outbox
/// should do.
@Suite struct WebPushClientTests {
    /// One brand's fixed key, as the keyring would give it.
    struct FixedKey: VAPIDKeySource {
        let raw: [UInt8]
        func vapidKey(for tenant: Tenant) async throws -> P256.Signing.PrivateKey {
            try P256.Signing.PrivateKey(rawRepresentation: raw)
        }
    }

    static let tenant = Tenant(clientId: "c1", accountId: "a1", brandId: "b1")

    static func withService(_ body: (TestPeer, WebPushClient, String) async throws -> Void) async throws {
        let key = P256.Signing.PrivateKey()
        try await TestPeer.with("webpush_fake.py", ["--port", "0"]) { peer in
            let client = WebPushClient(keys: FixedKey(raw: Array(key.rawRepresentation)), addressPolicy: .anyAddress)
            try await body(peer, client, VAPIDToken.publicKey(of: key))
            await client.shutdown()
        }
    }

    static func control(_ peer: TestPeer, _ path: String, method: HTTPMethod = .GET) async throws -> JSONValue {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(peer.port)\(path)")
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return try JSONParser.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
    }

    /// A browser subscribed to the fake service.
    static func subscribe(_ peer: TestPeer, _ name: String) async throws -> PushDevice.WebSubscription {
        let json = try await control(peer, "/_control/subscribe?name=\(name)", method: .POST)
        return PushDevice.WebSubscription(
            endpoint: try #require(json["endpoint"]?.stringValue),
            p256dh: try #require(json["keys"]?["p256dh"]?.stringValue),
            auth: try #require(json["keys"]?["auth"]?.stringValue)
        )
    }

    @Test func aPushDecryptsInTheBrowserAndItsTokenVerifies() async throws {
        try await Self.withService { peer, client, publicKey in
            let subscription = try await Self.subscribe(peer, "laptop")
            let notification = PushNotification(
                title: "Hi Ann",
                body: "Your booking is waiting",
                imageURL: "https://shop.example/b.png",
                url: "https://shop.example/booking/1",
                data: ["bookingId": "1"]
            )
            try await client.send(
                notification,
                to: subscription,
                tenant: Self.tenant,
                subject: "mailto:push@shop.example"
            )
            let answer = try await Self.control(peer, "/_control/messages")
            #expect(answer["refused"]?.arrayValue == [])
            let message = try #require(answer["messages"]?.arrayValue?.first)
            #expect(
                message["payload"]
                    == [
                        "title": "Hi Ann", "body": "Your booking is waiting", "image": "https://shop.example/b.png",
                        "url": "https://shop.example/booking/1", "data": ["bookingId": "1"],
                    ]
            )
            #expect(message["vapidKey"]?.stringValue == publicKey)
            #expect(message["sub"]?.stringValue == "mailto:push@shop.example")
            #expect(message["aud"]?.stringValue == "http://127.0.0.1:\(peer.port)")
            #expect(message["ttl"]?.stringValue == "2419200")
        }
    }

    @Test func aPayloadTooBigForOneRecordIsRefusedBeforeSending() async throws {
        try await Self.withService { peer, client, _ in
            let subscription = try await Self.subscribe(peer, "laptop")
            let long = PushNotification(title: "t", body: String(repeating: "x", count: 5000))
            do throws(ProviderError) {
                try await client.send(long, to: subscription, tenant: Self.tenant, subject: "mailto:push@shop.example")
                Issue.record("a 5,000-byte push was sent")
            } catch {
                #expect(error.kind == .permanent)
                #expect(!error.removesDevice)
            }
            #expect(try await Self.control(peer, "/_control/messages")["messages"]?.arrayValue == [])
        }
    }

    @Test(arguments: [
        ("gone-1", ProviderError.Kind.permanent, true, nil as Duration?, 410),
        ("missing-1", .permanent, true, nil, 404),
        ("big-1", .permanent, false, nil, 413),
        ("busy-1", .transient, false, .seconds(30), 429),
        ("down-1", .transient, false, nil, 503),
    ])
    func everyPushServiceAnswerIsWhatTheOutboxShouldDo(
        _ name: String,
        _ kind: ProviderError.Kind,
        _ removes: Bool,
        _ retryAfter: Duration?,
        _ status: Int
    ) async throws {
        try await Self.withService { peer, client, _ in
            let subscription = try await Self.subscribe(peer, name)
            do throws(ProviderError) {
                try await client.send(
                    PushNotification(title: "t", body: "b"),
                    to: subscription,
                    tenant: Self.tenant,
                    subject: "mailto:push@shop.example"
                )
                Issue.record("\(name) was sent")
            } catch {
                #expect(error.kind == kind)
                #expect(error.removesDevice == removes)
                #expect(error.retryAfter == retryAfter)
                #expect(error.httpStatus == status)
            }
        }
    }

    @Test func aPrivateEndpointIsRefusedUnlessAllowed() async throws {
        try await Self.withService { peer, _, _ in
            let guarded = WebPushClient(
                keys: FixedKey(raw: Array(P256.Signing.PrivateKey().rawRepresentation)),
                addressPolicy: .publicOnly
            )
            let subscription = try await Self.subscribe(peer, "laptop")
            do throws(ProviderError) {
                try await guarded.send(
                    PushNotification(title: "t", body: "b"),
                    to: subscription,
                    tenant: Self.tenant,
                    subject: "mailto:push@shop.example"
                )
                Issue.record("a push went to a loopback endpoint")
            } catch {
                #expect(error.kind == .permanent)
            }
            #expect(try await Self.control(peer, "/_control/messages")["messages"]?.arrayValue == [])
            await guarded.shutdown()
        }
    }
}

/// The VAPID token's audience is the endpoint's origin as RFC 6454 writes it.
@Suite struct VAPIDAudienceTests {
    static func audience(_ endpoint: String) throws -> String? {
        let header = try VAPIDToken.authorization(
            endpoint: try #require(URL(string: endpoint)),
            subject: "mailto:push@shop.example",
            key: P256.Signing.PrivateKey(),
            at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        )
        let token = header.dropFirst("vapid t=".count).prefix { $0 != "," }
        let claims = token.split(separator: ".")[1]
        return try JSONParser.parse(try #require(Base64URL.decode(claims)))["aud"]?.stringValue
    }

    @Test func theAudienceIsTheOrigin() throws {
        #expect(try Self.audience("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com")
        #expect(try Self.audience("https://Push.Example:443/x") == "https://push.example")
        #expect(try Self.audience("https://push.example:8443/x") == "https://push.example:8443")
        #expect(try Self.audience("http://127.0.0.1:9000/push/a") == "http://127.0.0.1:9000")
    }
}
