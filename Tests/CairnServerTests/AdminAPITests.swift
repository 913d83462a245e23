import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The admin API through the router: admin tokens, API tokens, brands, assets, preview.
@Suite struct AdminAPITests {
    static let brandPath = "/admin/v1/brands/hea/hea/HEA"

    func adminToken(_ app: TestApp, name: String = "test") async throws -> String {
        let (record, secret) = AdminTokenRecord.issue(name: name, now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return secret.text
    }

    @Test func everyAdminRouteNeedsALiveAdminToken() async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let apiToken = try await app.token()
        let (revokedRecord, revoked) = AdminTokenRecord.issue(name: "old", now: app.clock.now())
        try await app.stores.adminTokens.insert(revokedRecord)
        _ = try await app.stores.adminTokens.revoke(id: revokedRecord.id, at: app.clock.now())
        let answers = try await app.test { client in
            [
                try await client.admin(.get, "/admin/v1/brands", token: nil),
                try await client.admin(.get, "/admin/v1/brands", token: "cairn_admin_nothing"),
                try await client.admin(.get, "/admin/v1/brands", token: apiToken),
                try await client.admin(.get, "/admin/v1/brands", token: revoked.text),
                try await client.admin(.get, "/admin/v1/brands", token: admin),
                try await client.post("\(TestApp.base)/track", token: admin, body: #"{"userId":"u","event":"e"}"#),
            ]
        }
        #expect(answers.map(\.status) == [.unauthorized, .unauthorized, .unauthorized, .unauthorized, .ok, .forbidden])
        #expect(
            answers.map(\.code) == [
                "missing_admin_token", "invalid_admin_token", "invalid_admin_token", "invalid_admin_token", nil,
                "token_not_authorised",
            ]
        )
        #expect(answers[0].json["success"] == false)
    }

    @Test func apiTokensAreCreatedListedAndRevokedOverHTTP() async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let (created, listed, refused, track, revoked, again, afterRevoke) = try await app.test { client in
            let created = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: admin,
                body: #"{"client":"hea","account":"hea","brand":"HEA","rate":50,"burst":60}"#
            )
            let listed = try await client.admin(.get, "/admin/v1/tokens", token: admin)
            let refused = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: admin,
                body: #"{"client":"a/b","account":"x"}"#
            )
            let secret = created.json["secret"]?.stringValue ?? ""
            let track = try await client.post(
                "\(TestApp.base)/track",
                token: secret,
                body: #"{"userId":"u","event":"e"}"#
            )
            let id = created.json["id"]?.stringValue ?? ""
            let revoked = try await client.admin(.delete, "/admin/v1/tokens/\(id)", token: admin)
            let again = try await client.admin(.delete, "/admin/v1/tokens/\(id)", token: admin)
            let after = try await client.admin(.get, "/admin/v1/tokens", token: admin)
            return (created, listed, refused, track, revoked, again, after)
        }
        #expect(created.status == .created)
        #expect(created.json["secret"]?.stringValue?.hasPrefix("cairn_") == true)
        #expect(created.json["secret"]?.stringValue?.hasPrefix("cairn_admin_") == false)
        #expect(created.json["rate"] == 50)
        #expect(created.json["burst"] == 60)
        #expect(listed.json["tokens"]?[0]?["brand"] == "HEA")
        #expect(listed.json["tokens"]?[0]?["secret"] == nil, "a secret is shown once, on creation")
        #expect(refused.status == .badRequest)
        #expect(refused.code == "invalid_id")
        #expect(refused.json["field"] == "client")
        #expect(track.status == .ok)
        #expect(revoked.status == .ok)
        #expect(again.code == "token_not_found")
        #expect(afterRevoke.json["tokens"]?[0]?["revokedAt"]?.stringValue != nil)
    }

    @Test func brandsAreNamedWithATimeZoneAndThoseSeenExistWithDefaults() async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let token = try await app.token()
        let (seen, named, badZone, one, all, unknown) = try await app.test { client in
            _ = try await client.post("\(TestApp.base)/track", token: token, body: #"{"userId":"u","event":"e"}"#)
            let seen = try await client.admin(.get, Self.brandPath, token: admin)
            let named = try await client.admin(
                .put,
                Self.brandPath,
                token: admin,
                body: #"{"name":"Hotels","timeZone":"Europe/London"}"#
            )
            let badZone = try await client.admin(.put, Self.brandPath, token: admin, body: #"{"timeZone":"Mars/Base"}"#)
            let one = try await client.admin(.get, Self.brandPath, token: admin)
            let all = try await client.admin(.get, "/admin/v1/brands", token: admin)
            let unknown = try await client.admin(.get, "/admin/v1/brands/x/y/z", token: admin)
            return (seen, named, badZone, one, all, unknown)
        }
        #expect(seen.json["brand"]?["name"] == "HEA")
        #expect(seen.json["brand"]?["timeZone"] == "UTC")
        #expect(named.json["brand"]?["name"] == "Hotels")
        #expect(badZone.status == .badRequest)
        #expect(badZone.code == "invalid_time_zone")
        #expect(one.json["brand"]?["timeZone"] == "Europe/London")
        #expect(all.json["brands"]?.arrayValue?.count == 1)
        #expect(unknown.status == .notFound)
        #expect(unknown.code == "brand_not_found")
    }
}

extension AdminAPITests {
    static let everyRoute: [(HTTPRequest.Method, String)] = [
        (.post, "/admin/v1/tokens"), (.get, "/admin/v1/tokens"), (.delete, "/admin/v1/tokens/x"),
        (.get, "/admin/v1/brands"), (.put, brandPath), (.get, brandPath),
        (.get, brandPath + "/assets"), (.put, brandPath + "/assets/a"), (.get, brandPath + "/assets/a"),
        (.delete, brandPath + "/assets/a"), (.post, brandPath + "/assets/a/publish"),
        (.post, brandPath + "/assets/a/preview"),
    ]

    @Test func noAdminRouteAnswersWithoutALiveAdminToken() async throws {
        let app = try await TestApp()
        let apiToken = try await app.token()
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for (method, path) in Self.everyRoute {
                answers.append(try await client.admin(method, path, token: nil, body: "{}"))
                answers.append(try await client.admin(method, path, token: apiToken, body: "{}"))
            }
            return answers
        }
        #expect(answers.allSatisfy { $0.status == .unauthorized })
        #expect(Set(answers.compactMap(\.code)) == ["missing_admin_token", "invalid_admin_token"])
    }

    @Test func aTokenCreatedOverHTTPMakesItsBrandExist() async throws {
        let app = try await TestApp()
        let admin = try await adminToken(app)
        let brand = try await app.test { client in
            _ = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: admin,
                body: #"{"client":"n","account":"n","brand":"NEW"}"#
            )
            return try await client.admin(.get, "/admin/v1/brands/n/n/NEW", token: admin)
        }
        #expect(brand.json["brand"]?["name"] == "NEW")
    }
}

extension TestClientProtocol {
    func admin(_ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil) async throws -> Answer
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(
            uri: path,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        ) { Answer(response: $0) }
    }
}
