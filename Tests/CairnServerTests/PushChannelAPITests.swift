import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import HummingbirdTesting
import Testing
import _CryptoExtras

/// Issue 23 over the admin API: a brand's push channel (an FCM service account, sealed, its
/// private key never shown; a Web Push subject), refused with a clear code when it cannot work,
/// and the brand's VAPID public key served to browsers without a token.
@Suite struct PushChannelAPITests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let privateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation

    func app(
        key: SecretKey? = .generate(),
        rules: BrandProviderRules = BrandProviderRules()
    ) async throws -> (
        TestApp, String
    ) {
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = key
            configuration.sending.enabled = false
            configuration.sending.brandProviderRules = rules
        }
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return (app, secret.text)
    }

    static func account(tokenURI: String = "https://oauth2.googleapis.com/token") -> JSONValue {
        [
            "type": "service_account", "project_id": "shop-app", "client_email": "push@shop-app.iam.example",
            "token_uri": .string(tokenURI), "private_key": .string(privateKey),
        ]
    }

    static func push(_ fields: [String: JSONValue]) -> String {
        JSONValue.object(fields).encodedString()
    }

    @Test func anFCMAccountIsSealedAndShownWithoutItsKey() async throws {
        let (app, admin) = try await app()
        let (saved, listed) = try await app.test { client in
            (
                try await client.admin(
                    .put,
                    Self.brand + "/channels/push",
                    token: admin,
                    body: Self.push([
                        "provider": "fcm", "serviceAccount": Self.account(),
                        "webPush": ["subject": "mailto:push@shop.example"],
                    ])
                ),
                try await client.admin(.get, Self.brand + "/channels", token: admin)
            )
        }
        #expect(saved.status == .ok, "\(saved.json)")
        let settings = saved.json["channel"]?["settings"]
        #expect(settings?["provider"] == "fcm")
        #expect(settings?["serviceAccount"]?["private_key"] == "********")
        #expect(settings?["serviceAccount"]?["client_email"] == "push@shop-app.iam.example")
        #expect(settings?["baseUrl"] == "https://fcm.googleapis.com")
        #expect(settings?["webPush"]?["subject"] == "mailto:push@shop.example")
        #expect(!listed.json.encodedString().contains("PRIVATE KEY"))
        let record = try #require(try await app.stores.channels.channel(tenant: TestApp.tenant, channel: .push))
        #expect(!String(decoding: record.sealedSettings, as: UTF8.self).contains("PRIVATE KEY"), "sealed at rest")
    }

    @Test func pushSettingsThatCannotWorkAreRefused() async throws {
        let (app, admin) = try await app()
        let bodies = [
            Self.push(["provider": "fcm"]),
            Self.push(["provider": "fcm", "serviceAccount": ["type": "service_account", "project_id": "p"]]),
            Self.push([
                "provider": "fcm",
                "serviceAccount": [
                    "type": "service_account", "project_id": "p", "client_email": "e", "token_uri": "https://t",
                    "private_key": "not a key",
                ],
            ]),
            Self.push(["provider": "webpush", "webPush": ["subject": "push@shop.example"]]),
            Self.push(["provider": "apns"]),
            Self.push(["provider": "fcm", "serviceAccount": Self.account(tokenURI: "http://127.0.0.1:9/token")]),
            Self.push(["provider": "fcm", "serviceAccount": Self.account(), "baseUrl": "http://10.0.0.8"]),
        ]
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for body in bodies {
                answers.append(try await client.admin(.put, Self.brand + "/channels/push", token: admin, body: body))
            }
            return answers
        }
        #expect(answers.map(\.status) == Array(repeating: .badRequest, count: bodies.count))
        #expect(
            answers.map(\.code) == [
                "invalid_provider", "invalid_provider", "invalid_provider", "invalid_provider", "invalid_provider",
                "private_address", "private_address",
            ]
        )
        #expect(answers[2].message?.contains("not a key") == false, "a refusal never repeats the key")
    }

    @Test func theBrandsVAPIDKeyIsServedToBrowsersAndStaysTheSame() async throws {
        let (app, admin) = try await app()
        let (first, second, unknown, preflightless) = try await app.test { client in
            _ = try await client.admin(.put, Self.brand, token: admin, body: #"{"name":"Shop"}"#)
            return (
                try await client.get("/tag/v1/hea/hea/HEA/push-key", token: nil),
                try await client.get("/tag/v1/hea/hea/HEA/push-key", token: nil),
                try await client.get("/tag/v1/hea/hea/NOPE/push-key", token: nil),
                try await client.get("/tag/v1/hea/hea/%2F/push-key", token: nil)
            )
        }
        #expect(first.status == .ok)
        let key = try #require(first.json["publicKey"]?.stringValue)
        #expect(Base64URL.decode(key)?.count == 65, "an uncompressed P-256 point")
        #expect(Base64URL.decode(key)?.first == 4)
        #expect(second.json["publicKey"]?.stringValue == key)
        #expect(first.headers[.accessControlAllowOrigin] == "*")
        #expect(unknown.status == .notFound)
        #expect(unknown.code == "brand_not_found")
        #expect(preflightless.status == .badRequest)
        let sealed = try #require(try await app.stores.channels.pushKey(tenant: TestApp.tenant))
        #expect(sealed.count > 32, "kept sealed")
    }

    @Test func withoutASecretKeyNoVAPIDKeyIsKept() async throws {
        let (app, admin) = try await app(key: nil)
        let answer = try await app.test { client in
            _ = try await client.admin(.put, Self.brand, token: admin, body: #"{"name":"Shop"}"#)
            return try await client.get("/tag/v1/hea/hea/HEA/push-key", token: nil)
        }
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.code == "web_push_unavailable")
    }
}
