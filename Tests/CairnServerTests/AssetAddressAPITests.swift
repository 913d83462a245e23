import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Testing

/// An email asset whose `from` or `replyTo` (without merge tags) is not one address is refused when
/// saved, rather than saved, published and then failing every send.
@Suite struct AssetAddressAPITests {
    static let assets = AdminAPITests.brandPath + "/assets"

    func app() async throws -> (TestApp, String) {
        let app = try await TestApp()
        let (record, secret) = AdminTokenRecord.issue(name: "test", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return (app, secret.text)
    }

    /// An email asset's body with these address fields (JSON members, such as `"from":"a@b.c"`).
    static func email(_ addresses: String) -> String {
        #"{"channel":"email","purpose":"transactional","content":{"# + addresses
            + #","subject":"Hi","text":"Hi {{customer.firstName}}"}}"#
    }

    @Test func aFromOrReplyToThatIsNotOneAddressIsRefusedWhenSaved() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/welcome"
        let bodies = [
            #""from":"not an address""#,
            #""from":"ada@example.com, bob@example.com""#,
            #""from":"Ada <ada@example.com>, Bob <bob@example.com>""#,
            #""from":"Ada <ada@example.com>","replyTo":"not an address""#,
            #""from":"Ada <ada@example.com>","replyTo":"help@example.com\r\nBcc: eve@example.com""#,
        ].map(Self.email)
        let (answers, shown, publish) = try await app.test { client in
            var answers: [Answer] = []
            for body in bodies { answers.append(try await client.admin(.put, path, token: admin, body: body)) }
            let shown = try await client.admin(.get, path, token: admin)
            let publish = try await client.admin(.post, "\(path)/publish", token: admin)
            return (answers, shown, publish)
        }
        #expect(answers.allSatisfy { $0.status == .badRequest })
        #expect(
            answers.map(\.code) == [
                "invalid_from", "invalid_from", "invalid_from", "invalid_reply_to", "invalid_reply_to",
            ]
        )
        #expect(answers.map { $0.json["field"] } == ["from", "from", "from", "replyTo", "replyTo"])
        #expect(answers[0].message?.contains("from is not one email address") == true)
        #expect(answers[4].message?.contains("line break") == true)
        // Nothing was saved, so there is nothing to publish.
        #expect(shown.status == .notFound)
        #expect(publish.status == .notFound)
    }

    @Test func oneAddressWithANameOrMergeTagsIsSaved() async throws {
        let (app, admin) = try await app()
        let bodies = [
            #""from":"Ada <ada@example.com>""#,
            #""from":"Ada <ada@example.com>","replyTo":"\"Lovelace, Ada\" <help@example.com>""#,
            #""from":"{{customer.firstName}} <news@example.com>","replyTo":"{{customer.agentEmail}}""#,
            #""from":"","replyTo":"""#,
        ].map(Self.email)
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for (index, body) in bodies.enumerated() {
                answers.append(try await client.admin(.put, "\(Self.assets)/ok\(index)", token: admin, body: body))
            }
            return answers
        }
        #expect(answers.count == 4)
        #expect(answers.allSatisfy { $0.status == .ok })
        #expect(answers[0].json["asset"]?["draft"]?["content"]?["from"] == "Ada <ada@example.com>")
        #expect(answers[2].json["asset"]?["draft"]?["content"]?["replyTo"] == "{{customer.agentEmail}}")
    }
}
