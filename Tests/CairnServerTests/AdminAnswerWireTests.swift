import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The admin API's answers byte for byte: compact JSON with sorted keys, `null` for an unset
/// field that is always written, slashes unescaped, served as `application/json`.
@Suite struct AdminAnswerWireTests {
    func admin(_ app: TestApp) async throws -> String {
        let (record, secret) = AdminTokenRecord.issue(name: "wire", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return secret.text
    }

    @Test func aTokenListIsWrittenWithSortedKeysAndItsUnsetFieldsAsNull() async throws {
        let app = try await TestApp()
        let admin = try await admin(app)
        let (created, listed) = try await app.test { client in
            let created = try await client.admin(
                .post,
                "/admin/v1/tokens",
                token: admin,
                body: #"{"client":"hea","account":"hea","rate":0.5,"burst":60}"#
            )
            let listed = try await client.execute(
                uri: "/admin/v1/tokens",
                method: .get,
                headers: [.authorization: "Bearer \(admin)"]
            ) { $0 }
            return (created, listed)
        }
        let id = try #require(created.json["id"]?.stringValue)
        let now = app.clock.now().iso8601
        #expect(listed.headers[.contentType] == "application/json")
        #expect(
            String(buffer: listed.body)
                == #"{"success":true,"tokens":[{"account":"hea","brand":null,"burst":60,"client":"hea","createdAt":""#
                + now + #"","id":""# + id + #"","rate":0.5,"revokedAt":null}]}"#
        )
    }

    @Test func anAssetsContentIsWrittenAsSavedWithItsSlashesUnescaped() async throws {
        let app = try await TestApp()
        let admin = try await admin(app)
        let body = #"""
            {"channel":"email","purpose":"transactional",
             "content":{"from":"Hotels <shop@example.com>","subject":"Hi","html":"<a href=\"https://example.com/a/b\">b</a>"}}
            """#
        let saved = try await app.test { client in
            try await client.execute(
                uri: AdminAPITests.brandPath + "/assets/wire",
                method: .put,
                headers: [.authorization: "Bearer \(admin)"],
                body: ByteBuffer(string: body)
            ) { $0 }
        }
        let text = String(buffer: saved.body)
        #expect(saved.status == .ok)
        #expect(text.contains(#"<a href=\"https://example.com/a/b\">b</a>"#))
        #expect(text.contains(#""archivedAt":null"#))
        #expect(text.contains(#""live":null"#))
        #expect(text.hasPrefix(#"{"asset":{"archivedAt":null,"assetId":"wire","channel":"email","createdAt":"#))
        #expect(text.hasSuffix(#""success":true}"#))
    }
    @Test func storedContentKeepsItsNumbersAndEscapesByteForByte() async throws {
        let app = try await TestApp()
        let admin = try await admin(app)
        let content: JSONValue = [
            "from": "a@example.com", "subject": "Hi",
            "price": .number("1.50"), "huge": .number("1e400"), "zero": .number("-0"),
            "list": [.number("1e3"), .string("\u{8}\u{C}/")],
        ]
        _ = try await app.stores.assets.saveDraft(
            AssetDraft(
                tenant: TestApp.tenant,
                assetId: "numbers",
                name: nil,
                channel: .email,
                purpose: .transactional,
                content: content
            ),
            at: app.clock.now()
        )
        let shown = try await app.test { client in
            try await client.execute(
                uri: AdminAPITests.brandPath + "/assets/numbers",
                method: .get,
                headers: [.authorization: "Bearer \(admin)"]
            ) { $0 }
        }
        let text = String(buffer: shown.body)
        #expect(shown.status == .ok)
        #expect(
            text.contains(
                #""draft":{"content":{"from":"a@example.com","huge":1e400,"list":[1e3,"\u0008\u000c/"],"#
                    + #""price":1.50,"subject":"Hi","zero":-0},"createdAt":""# + app.clock.now().iso8601
                    + #"","publishedAt":null,"purpose":"transactional","version":1}"#
            )
        )
    }
}
