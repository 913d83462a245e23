import CairnCore
import CairnServer
import HTTPTypes
import Testing

/// Finding customers and groups by the ids clients have: encoded group ids, former userIds
/// after an alias, emails in any case, and Salesmachine contacts' accounts.
@Suite struct LookupTests {
    let base = TestApp.base

    func app() async throws -> (TestApp, String) {
        let app = try await TestApp { $0.processor.enabled = false }
        return (app, try await app.token())
    }

    @Test func groupIdsAreReadURLDecoded() async throws {
        let (app, key) = try await app()
        let answers = try await app.test { client in
            for group in ["Acme Inc/EU", "100%", "ü"] {
                _ = try await client.compatPost(
                    "/v1/group",
                    body: #"{"userId":"u","groupId":"\#(group)","traits":{"name":"\#(group)"}}"#,
                    basicUser: key
                )
            }
            try await app.processAll()
            return [
                try await client.get("\(base)/groups/Acme%20Inc%2FEU", token: key),
                try await client.get("\(base)/groups/100%25", token: key),
                try await client.get("\(base)/groups/%C3%BC", token: key),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .ok, .ok])
        #expect(answers.map { $0.json["groupId"] } == ["Acme Inc/EU", "100%", "ü"])
        #expect(answers.allSatisfy { $0.json["success"] == true })
    }

    /// `encodeURIComponent("userId:ABC/123")` encodes the colon too.
    @Test func aLookupWithAnEncodedColonIsReadAsOneWithout() async throws {
        let (app, key) = try await app()
        let answers = try await app.test { client in
            _ = try await client.post("\(base)/identify", token: key, body: #"{"userId":"ABC/123:x","traits":{"a":1}}"#)
            try await app.processAll()
            return [
                try await client.get("\(base)/profiles/userId%3AABC%2F123%3Ax/meta", token: key),
                try await client.get("\(base)/profiles/userId%3aABC%2F123%3Ax/meta", token: key),
                try await client.get("\(base)/profiles/userId:ABC%2F123:x/meta", token: key),
                try await client.get("\(base)/profiles/phone%3A123/meta", token: key),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .ok, .ok, .badRequest])
        #expect(answers.prefix(3).allSatisfy { $0.json["userId"] == "ABC/123:x" })
        #expect(answers[3].code == "invalid_profile_lookup")
    }

    @Test func aFormerUserIdFindsTheCustomerItWasMergedInto() async throws {
        let (app, key) = try await app()
        let (old, new) = try await app.test { client in
            for body in [
                #"{"userId":"old","traits":{"a":1}}"#, #"{"userId":"new","traits":{"b":2}}"#,
            ] {
                _ = try await client.compatPost("/v1/identify", body: body, basicUser: key)
            }
            _ = try await client.compatPost("/v1/alias", body: #"{"userId":"new","previousId":"old"}"#, basicUser: key)
            try await app.processAll()
            return (
                try await client.get("\(base)/profiles/userId:old/meta", token: key),
                try await client.get("\(base)/profiles/userId:new/meta", token: key)
            )
        }
        #expect(old.status == .ok)
        #expect(old.json["userId"] == "new")
        #expect(old.json["customerId"] == new.json["customerId"])
    }

    @Test func emailLookupsIgnoreCase() async throws {
        let (app, key) = try await app()
        let found = try await app.test { client in
            _ = try await client.post(
                "\(base)/identify",
                token: key,
                body: #"{"userId":"u","traits":{"email":"Fred@Example.com"}}"#
            )
            try await app.processAll()
            return try await client.get("\(base)/profiles/email:fred%40EXAMPLE.com/traits", token: key)
        }
        #expect(found.status == .ok)
        #expect(found.json["profiles"]?[0]?["traits"]?["email"] == "Fred@Example.com")
    }

    @Test func aSalesmachineContactJoinsTheAccountItNames() async throws {
        let (app, key) = try await app()
        let (meta, group) = try await app.test { client in
            _ = try await client.compatPost(
                "/v1/contact?api_token=\(key)",
                body: #"{"contact_uid":"123456","params":{"name":"Ann","account_uid":"78910"}}"#
            )
            try await app.processAll()
            return (
                try await client.get("\(base)/profiles/userId:123456/meta", token: key),
                try await client.get("\(base)/groups/78910", token: key)
            )
        }
        #expect(meta.json["groups"] == ["78910"])
        #expect(group.status == .ok)
    }
}
