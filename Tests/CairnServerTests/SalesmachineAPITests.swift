import CairnCore
import CairnServer
import CairnTestFixtures
import HTTPTypes
import Testing

/// The Salesmachine tracking API on Cairn: the spec's bodies, both ways of giving the key, and its error answers.
@Suite struct SalesmachineAPITests {
    func app() async throws -> (TestApp, String) {
        let app = try await TestApp { $0.processor.enabled = false }
        return (app, try await app.token())
    }

    @Test func theSpecsEventAndPageviewAreTakenWithEitherKindOfKey() async throws {
        let (app, key) = try await app()
        let (event, pageview) = try await app.test { client in
            (
                try await client.compatPost("/v1/track/event?api_token=\(key)", body: SpecExamples.salesmachineEvent),
                try await client.compatPost(
                    "/v1/track/event",
                    body: SpecExamples.salesmachinePageview,
                    basicUser: key,
                    password: "secret"
                )
            )
        }
        #expect(event.status == .ok)
        #expect(event.json == ["status": "success"])
        #expect(pageview.json == ["status": "success"])
        let logged = try await app.loggedEvents()
        #expect(logged.map(\.entry.event.action) == [.page, .track])
        #expect(logged.map(\.entry.event.userId) == ["123456", "123456"])
        #expect(logged[1].entry.event.eventName == "user_registration")
        #expect(try await app.processAll() == 2)
        let timeline = try await app.test { client in
            try await client.get("\(TestApp.base)/profiles/userId:123456/events", token: key)
        }
        let page = timeline.json["events"]?.arrayValue?.first { $0["action"] == "page" }
        #expect(page?["properties"]?["url"] == "http://myproduct.com/onboarding")
    }

    @Test func contactsAndAccountsBecomeProfilesAndGroups() async throws {
        let (app, key) = try await app()
        try await app.test { client in
            _ = try await client.compatPost(
                "/v1/contact",
                body: #"{"contact_uid":"c1","params":{"email":"c1@example.com","name":"Ann"}}"#,
                basicUser: key
            )
            _ = try await client.compatPost(
                "/v1/account?api_token=\(key)",
                body: #"{"account_uid":"78910","params":{"name":"Acme","plan":"pro"}}"#
            )
        }
        #expect(try await app.processAll() == 2)
        let (traits, group) = try await app.test { client in
            (
                try await client.get("\(TestApp.base)/profiles/email:c1@example.com/traits", token: key),
                try await client.get("\(TestApp.base)/groups/78910", token: key)
            )
        }
        #expect(traits.json["profiles"]?[0]?["traits"]?["name"] == "Ann")
        #expect(group.json["traits"] == ["name": "Acme", "plan": "pro"])
    }

    @Test func aBatchIsAJSONArrayOnTheSharedPath() async throws {
        let (app, key) = try await app()
        let body = #"""
            [{"method":"contact","contact_uid":"c1","params":{"name":"Ann"}},
             {"method":"event","contact_uid":"c1","event_uid":"login","params":{}},
             {"method":"account","account_uid":"a1","params":{"name":"Acme"}}]
            """#
        let (basic, query, bad) = try await app.test { client in
            (
                try await client.compatPost("/v1/batch", body: body, basicUser: key, password: key),
                try await client.compatPost("/v1/batch?api_token=\(key)", body: body),
                try await client.compatPost("/v1/batch?api_token=\(key)", body: #"[{"method":"email"}]"#)
            )
        }
        #expect(basic.json == ["status": "success"])
        #expect(query.json == ["status": "success"])
        #expect(bad.status == .badRequest)
        #expect(bad.json["status"] == "error")
        #expect(bad.json["errors"]?[0]?["code"] == "unknown_method")
        #expect(try await app.loggedEvents().count == 6)
    }

    @Test func eachRefusalHasSalesmachinesCode() async throws {
        let (app, key) = try await app()
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/track/event", body: SpecExamples.salesmachineEvent),
                try await client.compatPost("/v1/track/event?api_token=nope", body: SpecExamples.salesmachineEvent),
                try await client.compatPost("/v1/track/event?api_token=\(key)", body: "contact_uid=1"),
                try await client.compatPost("/v1/track/event?api_token=\(key)", body: #"{"event_uid":"x"}"#),
            ]
        }
        #expect(answers.map(\.status) == [.badRequest, .unauthorized, .notAcceptable, .badRequest])
        #expect(answers.map(\.code) == ["missing_api_token", "invalid_api_token", "not_json", "missing_contact_uid"])
        for answer in answers {
            #expect(answer.json["status"] == "error")
            #expect(answer.json["error"]?.stringValue?.isEmpty == false)
        }
        #expect(try await app.loggedEvents().isEmpty)
    }

    @Test func aKeyOverItsRateIsRefusedWith429() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let key = try await app.token(rate: 0.01, burst: 1)
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/contact?api_token=\(key)", body: #"{"contact_uid":"c"}"#),
                try await client.compatPost("/v1/contact?api_token=\(key)", body: #"{"contact_uid":"c"}"#),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .tooManyRequests])
        #expect(answers[1].code == "rate_limit_exceeded")
        #expect(answers[1].json["status"] == "error")
        #expect(answers[1].headers[.retryAfter] != nil)
    }
}
