import CairnCore
import CairnServer
import HTTPTypes
import Testing

/// The gateway's admission, the same on every surface: the key is checked and the bucket
/// charged before the body is read, and refusals speak the words of the client's API.
@Suite struct AdmissionTests {
    @Test func aBadKeyIsRefusedBeforeAnUnreadableBodyOnEverySurface() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/track", body: "not json", basicUser: "cairn_nope"),
                try await client.compatPost("/v1/batch", body: "not json", basicUser: "cairn_nope"),
                try await client.compatPost("/v1/track/event?api_token=cairn_nope", body: "not json"),
            ]
        }
        #expect(answers.map(\.status) == [.unauthorized, .unauthorized, .unauthorized])
        #expect(answers.map(\.code) == ["invalid_write_key", "invalid_write_key", "invalid_api_token"])
    }

    @Test func aSpentBudgetIsRefusedBeforeTheBodyIsRead() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let key = try await app.token(rate: 0.01, burst: 1)
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#, basicUser: key),
                try await client.compatPost("/v1/track", body: "not json", basicUser: key),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .tooManyRequests])
    }

    @Test func refusalsOnTheSharedBatchRouteSpeakSalesmachineToAnArray() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let limited = try await app.token(rate: 0.01, burst: 1)
        let accountWide = try await app.token(brand: nil)
        let array = #"[{"method":"contact","contact_uid":"u"}]"#
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/batch", body: array, basicUser: "cairn_nope"),
                try await client.compatPost("/v1/batch", body: array, basicUser: accountWide),
                try await client.compatPost("/v1/batch", body: array, basicUser: limited),
                try await client.compatPost("/v1/batch", body: array, basicUser: limited),
            ]
        }
        #expect(answers.map(\.status) == [.unauthorized, .forbidden, .ok, .tooManyRequests])
        #expect(answers.map { $0.json["status"] } == ["error", "error", "success", "error"])
        #expect(answers.map(\.code) == ["invalid_api_token", "key_not_brand_scoped", nil, "rate_limit_exceeded"])
        #expect(answers[3].headers[.retryAfter] != nil)
    }
}
