import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import HummingbirdTesting
import Testing

/// One grammar for client, account and brand ids, wherever they arrive: a token's scope, an
/// admin path, a Track path. Refused with `400 invalid_id` rather than stored where no route
/// can reach them.
@Suite struct TenantIdTests {
    func adminToken(_ app: TestApp) async throws -> String {
        let (record, secret) = AdminTokenRecord.issue(name: "ids", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return secret.text
    }

    @Test(arguments: [
        #"{"client":"café","account":"a"}"#,
        #"{"client":"a","account":"☃"}"#,
        #"{"client":"a","account":"a","brand":"a b"}"#,
        #"{"client":"..","account":"a"}"#,
        #"{"client":"a","account":"a\nb"}"#,
        #"{"client":""# + String(repeating: "c", count: 100_000) + #"","account":"a"}"#,
    ])
    func aTokenForAnIdOutsideTheGrammarIsRefused(_ body: String) async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let answer = try await app.test { client in
            try await client.admin(.post, "/admin/v1/tokens", token: admin, body: body)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_id")
        #expect(try await app.stores.tokens.list().isEmpty)
    }

    @Test(arguments: [
        "a%00b", "a%0D%0Ab", "..", ".", "caf%C3%A9", "a%2Fb", "a%zz", String(repeating: "c", count: 60_000),
    ])
    func aBrandPathOutsideTheGrammarIsRefusedAndNothingIsStored(_ clientId: String) async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let answer = try await app.test { client in
            try await client.admin(.put, "/admin/v1/brands/\(clientId)/hea/HEA", token: admin, body: "{}")
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_id")
        #expect(answer.json["field"] == "client")
        #expect(try await app.stores.brands.list().isEmpty)
    }

    @Test func aPathIdIsDecodedOnceAndMeansTheSameBrandEverywhere() async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let (saved, shown, twice) = try await app.test { client in
            let saved = try await client.admin(.put, "/admin/v1/brands/a%2Db/hea/HEA", token: admin, body: "{}")
            let shown = try await client.admin(.get, "/admin/v1/brands/a-b/hea/HEA", token: admin)
            // %252D is "%2D" once decoded: not an id.
            let twice = try await client.admin(.get, "/admin/v1/brands/a%252Db/hea/HEA", token: admin)
            return (saved, shown, twice)
        }
        #expect(saved.status == .ok)
        #expect(saved.json["brand"]?["clientId"] == "a-b")
        #expect(shown.status == .ok)
        #expect(twice.code == "invalid_id")
    }

    @Test func aTrackPathOutsideTheGrammarIsRefused() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("/track/hea/hea/HE%00A/v1/track", token: token, body: #"{"userId":"u","event":"e"}"#)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_id")
        #expect(answer.json["field"] == "brand")
    }

    @Test(arguments: [
        ("hea", true), ("HEA-1_x.y~z", true), (String(repeating: "a", count: 128), true),
        (String(repeating: "a", count: 129), false), ("", false), (".", false), ("..", false), ("...", true),
        ("a b", false), ("café", false), ("a/b", false), ("a%41", false),
    ])
    func theGrammar(_ id: String, _ valid: Bool) {
        #expect(TenantIdGrammar.isValid(id) == valid)
    }
}
