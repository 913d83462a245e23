import CairnCore
import CairnServer
import HTTPTypes
import Testing

@Suite struct TrackLimitsTests {
    let body = #"{"userId":"u","event":"e"}"#

    @Test func theTokenBucketAnswers429WithRetryAfterAndRateLimitHeaders() async throws {
        let app = try await TestApp()
        let token = try await app.token(rate: 0.5, burst: 3)
        let other = try await app.token(rate: 0.5, burst: 3)
        let (answers, otherAnswer) = try await app.test { client in
            var answers: [Answer] = []
            for _ in 0..<5 { answers.append(try await client.post("\(TestApp.base)/track", token: token, body: body)) }
            return (answers, try await client.post("\(TestApp.base)/track", token: other, body: body))
        }
        #expect(answers.map(\.status) == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
        #expect(answers[0].headers[HTTPField.Name("RateLimit-Policy")!] == "\"token\";q=3;w=6")
        #expect(answers[0].headers[HTTPField.Name("RateLimit")!] == "\"token\";r=2;t=0")
        let limited = answers[3]
        #expect(limited.code == "rate_limit_exceeded")
        #expect(limited.headers[.retryAfter] == "2")
        #expect(limited.headers[HTTPField.Name("RateLimit")!] == "\"token\";r=0;t=2")
        #expect(otherAnswer.status == .ok, "each token has its own budget")
    }

    @Test func aBurstOf500IsAllowedAtOnce() async throws {
        let app = try await TestApp()
        // The test's clock stands still: nothing refills while the requests are sent.
        let token = try await app.token(rate: 1, burst: TokenDefaults.burst)
        let statuses = try await app.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<520 { statuses.append(try await client.get("\(TestApp.base)/events/x", token: token).status) }
            return statuses
        }
        let allowed = statuses.filter { $0 == .notFound }.count
        #expect(allowed == 500)
        #expect(statuses.last == .tooManyRequests)
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", nil])
    func aBodyThatIsNotDeclaredJSONIsRefused(_ contentType: String?) async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/track", token: token, body: body, contentType: contentType)
        }
        #expect(answer.status == .unsupportedMediaType)
        #expect(answer.code == "unsupported_media_type")
    }

    @Test func jsonWithACharsetIsAccepted() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post(
                "\(TestApp.base)/track",
                token: token,
                body: body,
                contentType: "Application/JSON; charset=utf-8"
            )
        }
        #expect(answer.status == .ok)
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        let app = try await TestApp { $0.ingest.maxBodyBytes = 1000 }
        let token = try await app.token()
        let padding = String(repeating: "x", count: 1000)
        let (big, justUnder) = try await app.test { client in
            (
                try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"e","p":"\#(padding)"}"#
                ),
                try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"e","p":"\#(padding.prefix(960))"}"#
                )
            )
        }
        #expect(big.status == .contentTooLarge)
        #expect(big.code == "request_too_large")
        #expect(justUnder.status == .ok)
    }

    @Test func theDefaultLimitIsSixMegabytes() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let padding = String(repeating: "x", count: 6 * 1024 * 1024)
        let answer = try await app.test { client in
            try await client.post(
                "\(TestApp.base)/track",
                token: token,
                body: #"{"userId":"u","event":"e","p":"\#(padding)"}"#
            )
        }
        #expect(answer.status == .contentTooLarge)
    }

    @Test func nestingPast64Is400() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        // The body object itself is level 1.
        let deepBody =
            #"{"userId":"u","event":"e","p":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
            + "}"
        let limitBody =
            #"{"userId":"u","event":"e","p":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
            + "}"
        let (deep, limit) = try await app.test { client in
            (
                try await client.post("\(TestApp.base)/track", token: token, body: deepBody),
                try await client.post("\(TestApp.base)/track", token: token, body: limitBody)
            )
        }
        #expect(deep.status == .badRequest)
        #expect(deep.code == "json_too_deep")
        #expect(limit.status == .ok)
    }
}
