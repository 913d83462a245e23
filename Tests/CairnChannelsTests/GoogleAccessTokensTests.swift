import AsyncHTTPClient
import CairnCore
import CairnTestFixtures
import Foundation
import NIOCore
import Testing
import _CryptoExtras

@testable import CairnChannels

/// Issue 23: FCM's access token from a service account, against `Tests/Peers/fcm_fake.py`, which
/// checks the RS256 assertion with PyPI's `cryptography`: fetched once for concurrent sends,
/// again when it nears expiry or a send finds it refused; a key the endpoint refuses is a
/// permanent configuration error.
@Suite struct GoogleAccessTokensTests {
    static let email = "cairn-push@example-project.iam.gserviceaccount.com"

    /// A fresh key, the fake started with its public half, and the service account's JSON.
    static func withFake(
        expiresIn: Int = 3599,
        signingKey: _RSA.Signing.PrivateKey? = nil,
        _ body: (TestPeer, FCMServiceAccount) async throws -> Void
    ) async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let publicKey = URL(fileURLWithPath: TemporaryFiles.path(named: "public.pem"))
        try key.publicKey.pemRepresentation.write(to: publicKey, atomically: true, encoding: .utf8)
        try await TestPeer.with(
            "fcm_fake.py",
            [
                "--port", "0", "--public-key", publicKey.path, "--client-email", email, "--expires-in", "\(expiresIn)",
                "--project", "example-project",
            ]
        ) { peer in
            let account = try FCMServiceAccount(
                json: [
                    "type": "service_account", "project_id": "example-project",
                    "private_key": .string((signingKey ?? key).pemRepresentation), "client_email": .string(email),
                    "token_uri": .string("http://127.0.0.1:\(peer.port)/token"),
                ]
            )
            try await body(peer, account)
        }
    }

    static func issued(_ peer: TestPeer) async throws -> Int {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(peer.port)/_control/tokens"),
            timeout: .seconds(10)
        )
        let body = try await response.body.collect(upTo: 1 << 16)
        guard case .number(let count)? = try JSONParser.parse(Array(body.readableBytesView))["issued"] else {
            return -1
        }
        return Int(count) ?? -1
    }

    @Test func concurrentSendsShareOneTokenFetchedOnce() async throws {
        try await Self.withFake { peer, account in
            let tokens = GoogleAccessTokens(account: account)
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await tokens.token() } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(values) == ["ya29.fake-1"])
            #expect(try await Self.issued(peer) == 1)
            #expect(try await tokens.token() == "ya29.fake-1", "kept while it is valid")
            #expect(try await Self.issued(peer) == 1)
        }
    }

    @Test func aTokenIsFetchedAgainAMinuteBeforeItExpiresOrWhenRefused() async throws {
        try await Self.withFake(expiresIn: 120) { peer, account throws in
            let clock = ManualClock(
                start: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
            )
            let tokens = GoogleAccessTokens(account: account, clock: clock)
            #expect(try await tokens.token() == "ya29.fake-1")
            clock.advance(by: .seconds(59))
            #expect(try await tokens.token() == "ya29.fake-1")
            clock.advance(by: .seconds(1))
            #expect(try await tokens.token() == "ya29.fake-2", "within a minute of its expiry")
            tokens.invalidate("ya29.fake-1")
            #expect(try await tokens.token() == "ya29.fake-2", "an older token refused changes nothing")
            tokens.invalidate("ya29.fake-2")
            #expect(try await tokens.token() == "ya29.fake-3")
            #expect(try await Self.issued(peer) == 3)
        }
    }

    @Test func aKeyTheEndpointRefusesIsAPermanentConfigurationError() async throws {
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try await Self.withFake(signingKey: other) { peer, account throws in
            let tokens = GoogleAccessTokens(account: account)
            do throws(ProviderError) {
                _ = try await tokens.token()
                Issue.record("a token was issued for the wrong key")
            } catch {
                #expect(error.kind == .permanent)
                #expect(error.message.contains("HTTP 400, invalid_grant: Invalid JWT Signature."), "\(error.message)")
                #expect(!error.message.contains("PRIVATE KEY"))
            }
            #expect(try await Self.issued(peer) == 0)
        }
    }

    @Test func aServiceAccountIsCheckedWhenMade() {
        #expect(throws: ProviderError.self) { try FCMServiceAccount(json: ["type": "service_account"]) }
        #expect(throws: ProviderError.self) {
            try FCMServiceAccount(
                json: [
                    "type": "service_account", "project_id": "p", "client_email": "e", "token_uri": "https://t",
                    "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----",
                ]
            )
        }
    }
}
