import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The admin API through the real binary: an admin token made with the CLI publishes an asset
/// over HTTP; a revoked one stops at once.
@Suite struct AdminTests {
    @Test func anAdminTokenFromTheCLIPublishesAnAssetOverHTTP() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("admin.sqlite").path)
        let created = try await CairnBinary.run(["admin-tokens", "create", "--name", "ops", "--database", database])
        try #require(created.status == 0, "admin-tokens create failed: \(created.stderr)")
        let secret = created.lastLine
        #expect(secret.hasPrefix("cairn_admin_"))
        let listed = try await CairnBinary.run(["admin-tokens", "list", "--database", database])
        #expect(listed.stdout.contains("ops"))
        #expect(!listed.stdout.contains(secret), "a secret is printed once, on creation")

        let server = try await RunningServer.start(database: database)
        let path = "/admin/v1/brands/hea/hea/HEA/assets/welcome"
        let (saved, published) = try await server.withClient { client in
            (
                try await client.admin(
                    .put,
                    path,
                    token: secret,
                    body: #"{"channel":"sms","purpose":"transactional","content":{"body":"Hi {{customer.firstName}}"}}"#
                ),
                try await client.admin(.post, path + "/publish", token: secret)
            )
        }
        #expect(saved.0 == .ok)
        #expect(published.0 == .ok)
        #expect(published.1["asset"]?["live"]?["version"] == 1)

        let id = String(secret.dropFirst("cairn_admin_".count).prefix(16))
        let revoked = try await CairnBinary.run(["admin-tokens", "revoke", id, "--database", database])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let afterRevoke = try await server.withClient { client in try await client.admin(.get, path, token: secret) }
        #expect(afterRevoke.0 == .unauthorized)
        #expect(afterRevoke.1["code"] == "invalid_admin_token")
        #expect(await server.stop() == 0)
    }

    @Test func aBrandsAdminTokenIsMadeWithBrandAndListedWithIt() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("scoped.sqlite").path)
        let created = try await CairnBinary.run(
            ["admin-tokens", "create", "--name", "shop", "--brand", "hea/hea/HEA", "--database", database]
        )
        try #require(created.status == 0, "admin-tokens create failed: \(created.stderr)")
        #expect(created.stdout.contains("for the brand hea/hea/HEA"))
        let listed = try await CairnBinary.run(["admin-tokens", "list", "--database", database])
        #expect(listed.stdout.contains("\tshop\thea/hea/HEA\t"), "\(listed.stdout)")
        for brand in ["hea/HEA", "hea/hea/HE A", "hea//HEA"] {
            let refused = try await CairnBinary.run([
                "admin-tokens", "create", "--brand", brand, "--database", database,
            ])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--brand must be CLIENT/ACCOUNT/BRAND"), "\(refused.stderr)")
        }
    }
}

extension TestClient {
    func admin(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String,
        body: String = ""
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await execute(
            TestClient.Request(
                path,
                method: method,
                headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                body: ByteBuffer(string: body)
            )
        )
        let json = response.body.flatMap { try? JSONParser.parse(Array($0.readableBytesView)) } ?? .null
        return (response.status, json)
    }
}
