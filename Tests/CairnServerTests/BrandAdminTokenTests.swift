import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A brand's admin token administers that brand and nothing else; admin tokens themselves are
/// managed by a global one only.
@Suite struct BrandAdminTokenTests {
    static let hea = Tenant(clientId: "hea", accountId: "hea", brandId: "HEA")

    func adminToken(_ app: TestApp, brand: Tenant? = nil) async throws -> String {
        let (record, secret) = AdminTokenRecord.issue(name: "t", brand: brand, now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return secret.text
    }

    /// Every route the router has under a brand's path (so a route added later is covered too),
    /// asked of another brand with HEA's admin token.
    @Test func aBrandsAdminTokenIsRefusedOnEveryRouteOfAnotherBrand() async throws {
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = SecretKey.generate()
        }
        let dependencies = AppDependencies(stores: app.stores, clock: app.clock)
        _ = try await buildApplication(app.configuration, dependencies: dependencies)
        // Every route whose path begins /admin/v1/brands/{clientId}/{accountId}/{brandId}.
        let brandRoutes = dependencies.routes.templates.compactMap { route -> (String, String)? in
            let segments = route.path.split(separator: "/").map(String.init)
            guard segments.count >= 6, segments[0..<3] == ["admin", "v1", "brands"] else { return nil }
            let named = ["hea", "hea", "OTHER"]
            let path = segments.enumerated().map { index, segment in
                (3..<6).contains(index) ? named[index - 3] : (OpenAPITests.isParameter(segment[...]) ? "x" : segment)
            }
            return (route.method, "/" + path.joined(separator: "/"))
        }
        try #require(brandRoutes.count >= 15)
        let scoped = try await adminToken(app, brand: Self.hea)
        let answers = try await app.test { client in
            var answers: [(String, Answer)] = []
            for (method, path) in brandRoutes {
                let method = HTTPRequest.Method(method.uppercased()) ?? .get
                answers.append(("\(method) \(path)", try await client.admin(method, path, token: scoped, body: "{}")))
            }
            return answers
        }
        for (route, answer) in answers {
            #expect(answer.status == .forbidden, "\(route)")
            #expect(answer.code == "admin_token_not_authorised", "\(route)")
        }
    }

    @Test func aBrandsAdminTokenAdministersItsOwnBrand() async throws {
        let app = try await TestApp()
        let scoped = try await adminToken(app, brand: Self.hea)
        let global = try await adminToken(app)
        let (saved, asset, brands, otherBrand) = try await app.test { client in
            _ = try await client.admin(.put, "/admin/v1/brands/hea/hea/OTHER", token: global, body: "{}")
            let saved = try await client.admin(
                .put,
                "/admin/v1/brands/hea/hea/HEA",
                token: scoped,
                body: #"{"name":"H"}"#
            )
            let asset = try await client.admin(
                .put,
                "/admin/v1/brands/hea/hea/HEA/assets/welcome",
                token: scoped,
                body: #"{"channel":"sms","purpose":"marketing","content":{"body":"hi"}}"#
            )
            let brands = try await client.admin(.get, "/admin/v1/brands", token: scoped)
            let other = try await client.admin(.get, "/admin/v1/brands/hea/hea/OTHER", token: scoped)
            return (saved, asset, brands, other)
        }
        #expect(saved.status == .ok)
        #expect(asset.status == .ok || asset.status == .created)
        #expect(brands.json["brands"]?.arrayValue?.compactMap { $0["brandId"]?.stringValue } == ["HEA"])
        #expect(otherBrand.status == .forbidden)
        #expect(otherBrand.code == "admin_token_not_authorised")
    }

    @Test func aBrandsAdminTokenManagesOnlyItsBrandsAPITokens() async throws {
        let app = try await TestApp()
        let scoped = try await adminToken(app, brand: Self.hea)
        let otherToken = try TokenRecord.issue(
            scope: TokenScope(clientId: "hea", accountId: "hea", brandId: "OTHER"),
            now: app.clock.now()
        ).record
        try await app.stores.insertToken(otherToken)
        let (own, account, other, listed, revokeOther) = try await app.test { client in
            let own = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: scoped,
                body: #"{"client":"hea","account":"hea","brand":"HEA"}"#
            )
            let account = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: scoped,
                body: #"{"client":"hea","account":"hea"}"#
            )
            let other = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: scoped,
                body: #"{"client":"hea","account":"hea","brand":"OTHER"}"#
            )
            let listed = try await client.admin(.get, "/admin/v1/tokens", token: scoped)
            let revokeOther = try await client.admin(.delete, "/admin/v1/tokens/\(otherToken.id)", token: scoped)
            return (own, account, other, listed, revokeOther)
        }
        #expect(own.status == .created)
        #expect(account.code == "admin_token_not_authorised")
        #expect(other.code == "admin_token_not_authorised")
        #expect(listed.json["tokens"]?.arrayValue?.compactMap { $0["brand"]?.stringValue } == ["HEA"])
        #expect(revokeOther.status == .notFound)
        #expect(try await app.stores.tokens.token(id: otherToken.id)?.isRevoked == false)
    }

    @Test func adminTokensAreManagedOverHTTPByAGlobalTokenOnly() async throws {
        let app = try await TestApp()
        let global = try await adminToken(app)
        let scoped = try await adminToken(app, brand: Self.hea)
        let (created, incomplete, badId, byScoped, listByScoped, listed) = try await app.test { client in
            let created = try await client.admin(
                .post,
                "/admin/v1/admin-tokens",
                token: global,
                body: #"{"name":"shop","client":"hea","account":"hea","brand":"HEA"}"#
            )
            let incomplete = try await client.admin(
                .post,
                "/admin/v1/admin-tokens",
                token: global,
                body: #"{"client":"hea"}"#
            )
            let badId = try await client.admin(
                .post,
                "/admin/v1/admin-tokens",
                token: global,
                body: #"{"client":"h a","account":"a","brand":"b"}"#
            )
            let byScoped = try await client.admin(.post, "/admin/v1/admin-tokens", token: scoped, body: "{}")
            let listByScoped = try await client.admin(.get, "/admin/v1/admin-tokens", token: scoped)
            let listed = try await client.admin(.get, "/admin/v1/admin-tokens", token: global)
            return (created, incomplete, badId, byScoped, listByScoped, listed)
        }
        #expect(created.status == .created)
        #expect(created.json["brand"] == "HEA")
        let secret = try #require(created.json["secret"]?.stringValue)
        #expect(secret.hasPrefix("cairn_admin_"))
        #expect(incomplete.code == "incomplete_brand")
        #expect(badId.code == "invalid_id")
        #expect(byScoped.code == "admin_token_not_authorised")
        #expect(listByScoped.code == "admin_token_not_authorised")
        #expect(listed.json["adminTokens"]?.arrayValue?.count == 3)
        #expect(listed.json["adminTokens"]?.arrayValue?.allSatisfy { $0["secret"] == nil } == true)

        // The new token works for its brand, and is refused elsewhere; revoked, it stops.
        let id = try #require(created.json["id"]?.stringValue)
        let (own, elsewhere, revoked, after) = try await app.test { client in
            let own = try await client.admin(.get, "/admin/v1/brands/hea/hea/HEA/assets", token: secret)
            let elsewhere = try await client.admin(.get, "/admin/v1/brands/hea/hea/B2/assets", token: secret)
            let revoked = try await client.admin(.delete, "/admin/v1/admin-tokens/\(id)", token: global)
            let after = try await client.admin(.get, "/admin/v1/brands/hea/hea/HEA/assets", token: secret)
            return (own, elsewhere, revoked, after)
        }
        #expect(own.status == .ok)
        #expect(elsewhere.code == "admin_token_not_authorised")
        #expect(revoked.status == .ok)
        #expect(after.code == "invalid_admin_token")
    }

    @Test func aBrandsAdminTokenMayNotLiftLimitsNorSeeTheServersProviders() async throws {
        let twilio = try ProviderSettings(
            json: [
                "provider": "twilio", "accountSid": .string("AC" + String(repeating: "e", count: 32)),
                "authToken": "operator-token", "from": "+15005550006", "baseUrl": "https://relay.internal.example",
            ],
            channel: .sms
        )
        let app = try await TestApp { configuration in configuration.sending.defaultProviders = [twilio] }
        let scoped = try await adminToken(app, brand: Self.hea)
        let global = try await adminToken(app)
        let (fast, normal, theirs, ours) = try await app.test { client in
            (
                try await client.admin(
                    .post,
                    "/admin/v1/tokens",
                    token: scoped,
                    body: #"{"client":"hea","account":"hea","brand":"HEA","rate":1000000,"burst":1000000}"#
                ),
                try await client.admin(
                    .post,
                    "/admin/v1/tokens",
                    token: scoped,
                    body: #"{"client":"hea","account":"hea","brand":"HEA","rate":10,"burst":20}"#
                ),
                try await client.admin(.get, "/admin/v1/brands/hea/hea/HEA/channels", token: scoped),
                try await client.admin(.get, "/admin/v1/brands/hea/hea/HEA/channels", token: global)
            )
        }
        #expect(fast.code == "admin_token_not_authorised")
        #expect(normal.status == .created)
        #expect(theirs.json["channels"]?[0]?["source"] == "default")
        #expect(theirs.json["channels"]?[0]?["settings"] == [:])
        #expect(!String(decoding: theirs.json.encoded(), as: UTF8.self).contains("relay.internal.example"))
        #expect(String(decoding: ours.json.encoded(), as: UTF8.self).contains("relay.internal.example"))
    }

    @Test func storedIdsThatAreNotAWholeBrandAdministerNothing() {
        #expect(AdminTokenRecord.storedBrand(client: nil, account: nil, brand: nil) == nil)
        let partial = AdminTokenRecord.storedBrand(client: "hea", account: nil, brand: nil)
        #expect(partial != nil)
        let record = AdminTokenRecord(
            id: "x",
            name: nil,
            brand: partial,
            secretHash: [],
            createdAt: .init(millisecondsSinceEpoch: 0)
        )
        #expect(!record.isGlobal)
        #expect(!record.administers(Self.hea))
    }
}
