import AsyncHTTPClient
import CairnCore
import CairnTestFixtures
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CairnChannels

/// Issue 23: pushes through FCM's HTTP v1 API, against `Tests/Peers/fcm_fake.py` (FCM's send
/// endpoint and error bodies, and the token endpoint that verifies the RS256 assertion): what
/// arrives, a refused token fetched again once, and every FCM error as what the outbox should do.
@Suite struct FCMClientTests {
    typealias Support = GoogleAccessTokensTests

    static func client(_ peer: TestPeer, _ account: FCMServiceAccount) -> FCMClient {
        FCMClient(
            account: account,
            tokens: GoogleAccessTokens(account: account),
            baseURL: "http://127.0.0.1:\(peer.port)"
        )
    }

    static func control(_ peer: TestPeer, _ path: String, method: HTTPMethod = .GET) async throws -> JSONValue {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(peer.port)\(path)")
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return try JSONParser.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
    }

    static func failure(_ client: FCMClient, token: String) async -> ProviderError? {
        do {
            _ = try await client.send(PushNotification(title: "t", body: "b"), to: token)
            Issue.record("sent to \(token)")
            return nil
        } catch {
            return error
        }
    }

    @Test func aPushArrivesAsFCMTakesIt() async throws {
        try await Support.withFake { peer, account throws in
            let client = Self.client(peer, account)
            let name = try await client.send(
                PushNotification(
                    title: "Hi Ann",
                    body: "Your booking is waiting",
                    imageURL: "https://shop.example/b.png",
                    url: "https://shop.example/booking/1",
                    data: ["bookingId": "1"]
                ),
                to: "device-token-1"
            )
            #expect(name == "projects/example-project/messages/0:1")
            let messages = try #require(try await Self.control(peer, "/_control/messages")["messages"]?.arrayValue)
            #expect(
                messages == [
                    [
                        "token": "device-token-1",
                        "notification": [
                            "title": "Hi Ann", "body": "Your booking is waiting", "image": "https://shop.example/b.png",
                        ],
                        "data": ["bookingId": "1", "url": "https://shop.example/booking/1"],
                    ]
                ]
            )
            await client.shutdown()
        }
    }

    @Test func aRefusedTokenIsFetchedAgainOnce() async throws {
        try await Support.withFake { peer, account throws in
            let client = Self.client(peer, account)
            _ = try await client.send(PushNotification(title: "t", body: "one"), to: "device-a")
            _ = try await Self.control(peer, "/_control/revoke", method: .POST)
            _ = try await client.send(PushNotification(title: "t", body: "two"), to: "device-a")
            #expect(try await Support.issued(peer) == 2)
            #expect(try await Self.control(peer, "/_control/messages")["messages"]?.arrayValue?.count == 2)
            await client.shutdown()
        }
    }

    @Test(arguments: [
        ("unregistered-1", ProviderError.Kind.permanent, "UNREGISTERED", true, nil as Duration?),
        ("invalid-1", .permanent, "INVALID_ARGUMENT", false, nil),
        ("mismatch-1", .permanent, "SENDER_ID_MISMATCH", false, nil),
        ("thirdparty-1", .permanent, "THIRD_PARTY_AUTH_ERROR", false, nil),
        ("quota-1", .transient, "QUOTA_EXCEEDED", false, .seconds(30)),
        ("unavailable-1", .transient, "UNAVAILABLE", false, nil),
        ("internal-1", .transient, "INTERNAL", false, nil),
    ])
    func everyFCMErrorIsWhatTheOutboxShouldDo(
        _ token: String,
        _ kind: ProviderError.Kind,
        _ status: String,
        _ removes: Bool,
        _ retryAfter: Duration?
    ) async throws {
        try await Support.withFake { peer, account throws in
            let client = Self.client(peer, account)
            let error = try #require(await Self.failure(client, token: token))
            #expect(error.kind == kind)
            #expect(error.providerStatus == status)
            #expect(error.removesDevice == removes)
            #expect(error.retryAfter == retryAfter)
            #expect(!error.message.contains("ya29"), "no access token in errors")
            #expect(try await Support.issued(peer) == 1, "THIRD_PARTY_AUTH_ERROR is not a refused token")
            await client.shutdown()
        }
    }
}

/// Review of issue 23: only FCM's own UNREGISTERED removes a device; a 404 that is not about the
/// token (a wrong project, a wrong address) fails the push and keeps the device.
@Suite struct FCMNotFoundTests {
    @Test func aNotFoundThatIsNotUnregisteredKeepsTheDevice() {
        let wrongProject = FCMClient.failure(
            status: 404,
            json: ["error": ["code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"]],
            retryAfter: nil
        )
        #expect(!wrongProject.removesDevice)
        #expect(wrongProject.kind == .permanent)
        let notFCM = FCMClient.failure(status: 404, json: nil, retryAfter: nil)
        #expect(!notFCM.removesDevice)
        let gone = FCMClient.failure(
            status: 404,
            json: [
                "error": [
                    "code": 404, "status": "NOT_FOUND",
                    "details": [
                        ["@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"]
                    ],
                ]
            ],
            retryAfter: nil
        )
        #expect(gone.removesDevice)
    }
}
