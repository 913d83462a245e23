import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import HummingbirdTesting
import Testing

/// Issue 22: a brand's provider settings may not point Cairn at loopback, private or link-local
/// addresses (unless the server allows it), nor name a CA file outside the server's CA directory.
@Suite struct ChannelAddressAPITests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let sid = "AC" + String(repeating: "d", count: 32)

    func app(_ rules: BrandProviderRules) async throws -> (TestApp, String) {
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = .generate()
            configuration.sending.enabled = false
            configuration.sending.brandProviderRules = rules
        }
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return (app, secret.text)
    }

    static func sms(_ baseURL: String) -> String {
        #"{"provider":"twilio","accountSid":"\#(sid)","authToken":"t","from":"+15005550006","baseUrl":"\#(baseURL)"}"#
    }

    @Test func aProviderAtAPrivateAddressIsRefusedUnlessTheServerAllowsIt() async throws {
        let (strict, admin) = try await app(BrandProviderRules())
        let answers = try await strict.test { client in
            [
                try await client.admin(
                    .put,
                    Self.brand + "/channels/sms",
                    token: admin,
                    body: Self.sms("http://169.254.169.254/latest")
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: #"{"provider":"smtp","url":"smtp://10.0.0.5:25"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: #"{"provider":"smtp","url":"smtps://mail.example.com?ca=/etc/passwd"}"#
                ),
                try await client.admin(
                    .put,
                    Self.brand + "/channels/sms",
                    token: admin,
                    body: Self.sms("https://api.twilio.com")
                ),
            ]
        }
        #expect(answers.map(\.code) == ["private_address", "private_address", "ca_not_allowed", nil])
        #expect(answers[0].status == .badRequest)
        #expect(answers[3].status == .ok)

        let (open, openAdmin) = try await app(BrandProviderRules(allowsPrivateAddresses: true))
        let allowed = try await open.test { client in
            try await client.admin(
                .put,
                Self.brand + "/channels/sms",
                token: openAdmin,
                body: Self.sms("http://169.254.169.254")
            )
        }
        #expect(allowed.status == .ok)
    }
}
