import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Token rates far outside what is useful: refused when a token is made, and harmless in the
/// rate-limit headers of a token stored before rates were bounded.
@Suite struct RateBoundsTests {
    @Test func aTokenWithATinyRateAnswersWithBoundedHeaders() async throws {
        let app = try await TestApp()
        let token = try await app.token(rate: 1e-300, burst: 1)
        let (first, second) = try await app.test { client in
            (
                try await client.post(TestApp.base + "/track", token: token, body: #"{"userId":"u","event":"e"}"#),
                try await client.post(TestApp.base + "/track", token: token, body: #"{"userId":"u","event":"e"}"#)
            )
        }
        #expect(first.status == .ok)
        #expect(first.headers[HTTPField.Name("RateLimit")!] == #""token";r=0;t=31536000"#)
        #expect(first.headers[HTTPField.Name("RateLimit-Policy")!] == #""token";q=1;w=31536000"#)
        #expect(second.status == .tooManyRequests)
        #expect(second.headers[.retryAfter] == "31536000")
        #expect(second.message?.contains("may make 1e-300 requests a second") == true)
    }

    @Test func aSlowTokenIsToldItsRateAsItIs() async throws {
        let app = try await TestApp()
        let token = try await app.token(rate: 0.5, burst: 1)
        let second = try await app.test { client in
            _ = try await client.post(TestApp.base + "/track", token: token, body: #"{"userId":"u","event":"e"}"#)
            return try await client.post(TestApp.base + "/track", token: token, body: #"{"userId":"u","event":"e"}"#)
        }
        #expect(second.status == .tooManyRequests)
        #expect(second.message?.contains("may make 0.5 requests a second") == true)
        #expect(second.headers[.retryAfter] == "2")
    }

    @Test(arguments: [
        (#"{"client":"hea","account":"hea","rate":1e-300}"#, "invalid_rate"),
        (#"{"client":"hea","account":"hea","rate":0.0009}"#, "invalid_rate"),
        (#"{"client":"hea","account":"hea","rate":2e6}"#, "invalid_rate"),
        (#"{"client":"hea","account":"hea","burst":1000001}"#, "invalid_burst"),
    ])
    func tokensWithRatesOutOfBoundsAreRefused(_ body: String, _ code: String) async throws {
        let app = try await TestApp()
        let (record, secret) = AdminTokenRecord.issue(name: "t", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        let answer = try await app.test { client in
            try await client.admin(.post, "/admin/v1/tokens", token: secret.text, body: body)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == code)
    }

    @Test func theBoundsAreTheOnesNamed() {
        let scope = TokenScope(clientId: "c", accountId: "a", brandId: nil)
        #expect(TokenRequest(scope: scope, rate: 0.001, burst: 1).problem == nil)
        #expect(TokenRequest(scope: scope, rate: 1_000_000, burst: 1_000_000).problem == nil)
        #expect(TokenRequest(scope: scope, rate: .infinity).problem?.field == "rate")
        #expect(TokenRequest(scope: scope, rate: .nan).problem?.field == "rate")
    }
}
