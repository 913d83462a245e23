import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import HummingbirdTesting
import Testing

/// Issue 23 over the admin API: a brand's print provider, a spool folder inside the server's
/// spool or a print house's API (its key sealed and masked, its address under the rule for
/// private addresses).
@Suite struct PrintChannelAPITests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"

    func app(spool: String?) async throws -> (TestApp, String) {
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = .generate()
            configuration.sending.enabled = false
            configuration.sending.brandProviderRules = BrandProviderRules(printSpool: spool)
        }
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return (app, secret.text)
    }

    @Test func aBrandsSpoolIsAFolderInTheServersAndAnAPIKeyIsMasked() async throws {
        let (app, admin) = try await app(spool: "/var/spool/cairn")
        let answers = try await app.test { client in
            [
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"spool","directory":"hotels"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"spool","directory":"/etc"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"spool","directory":".."}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"http","url":"https://print.example/api/letters","key":"pk_live_SECRET"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"http","url":"http://192.168.1.9/letters","key":"k"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/print",
                    token: admin,
                    body: #"{"provider":"fax","number":"1"}"#
                ),
            ]
        }
        #expect(
            answers.map(\.code) == [
                nil, "spool_not_allowed", "spool_not_allowed", nil, "private_address", "invalid_provider",
            ]
        )
        #expect(answers[0].json["channel"]?["settings"] == ["provider": "spool", "directory": "hotels"])
        #expect(answers[3].json["channel"]?["settings"]?["key"] == "********")
        #expect(!answers[3].json.encodedString().contains("pk_live_SECRET"))
        let record = try #require(try await app.stores.channels.channel(tenant: TestApp.tenant, channel: .print))
        #expect(!String(decoding: record.sealedSettings, as: UTF8.self).contains("pk_live_SECRET"))
    }

    @Test func withoutAServerSpoolABrandMayNotSetOne() async throws {
        let (app, admin) = try await app(spool: nil)
        let answer = try await app.test { client in
            try await client.admin(
                .put,
                Self.brand + "/channels/print",
                token: admin,
                body: #"{"provider":"spool","directory":"hotels"}"#
            )
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "spool_not_allowed")
    }
}
