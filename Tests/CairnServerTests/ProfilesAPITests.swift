import CairnCore
import CairnServer
import CairnTestFixtures
import HTTPTypes
import Testing

/// Profiles through HTTP: events in through the Track API, the processor applies them, the
/// Profiles API reads the result.
@Suite struct ProfilesAPITests {
    let base = TestApp.base

    func app() async throws -> (TestApp, String) {
        let app = try await TestApp { $0.processor.enabled = false }
        return (app, try await app.token())
    }

    @Test func theSpecIdentifyBecomesAProfile() async throws {
        let (app, token) = try await app()
        let (traits, meta) = try await app.test { client in
            _ = try await client.post("\(base)/identify", token: token, body: SpecExamples.identify)
            try await app.processAll()
            return (
                try await client.get("\(base)/profiles/userId:ABC%2F123/traits", token: token),
                try await client.get("\(base)/profiles/userId:ABC%2F123/meta", token: token)
            )
        }
        #expect(traits.status == .ok)
        #expect(traits.json["traits"]?["email"] == "email@example.com")
        #expect(traits.json["traits"]?["address"]?["postalCode"] == "CH1ABC")
        #expect(meta.json["userId"] == "ABC/123")
        #expect(meta.json["identified"] == true)
        #expect(meta.json["firstSeen"] == "2019-11-18T13:30:11.444Z")
        let customerId = try #require(meta.json["customerId"]?.stringValue)
        #expect(customerId != "ABC/123")
        #expect(customerId.isCanonicalUUID)
        for channel in ["email", "sms", "whatsapp", "facebook", "push"] {
            #expect(meta.json["consent"]?[channel]?["subscribed"] == true)
            #expect(meta.json["consent"]?[channel]?["changedAt"] == "2019-11-18T13:30:11.444Z")
        }
        let byId = try await app.test { client in
            try await client.get("\(base)/profiles/id:\(customerId)/traits", token: token)
        }
        #expect(byId.json["traits"] == traits.json["traits"])
    }

    @Test func traitsMergeDeeplyAndTheNewestTimestampWins() async throws {
        let (app, token) = try await app()
        let traits = try await app.test { client in
            let bodies = [
                #"{"userId":"u1","traits":{"email":"new@example.com","address":{"city":"Leeds"},"tags":["a"],"phone":"+44"},"timestamp":"2024-01-02T00:00:00Z"}"#,
                #"{"userId":"u1","traits":{"email":"old@example.com","firstName":"Fred","address":{"city":"Chester","postalCode":"CH1"}},"timestamp":"2024-01-01T00:00:00Z"}"#,
                #"{"userId":"u1","traits":{"tags":["b","c"],"phone":null},"timestamp":"2024-01-03T00:00:00Z"}"#,
            ]
            for body in bodies { _ = try await client.post("\(base)/identify", token: token, body: body) }
            try await app.processAll()
            return try await client.get("\(base)/profiles/userId:u1/traits", token: token)
        }
        #expect(
            traits.json["traits"]
                == [
                    "email": "new@example.com", "firstName": "Fred", "address": ["city": "Leeds", "postalCode": "CH1"],
                    "tags": ["b", "c"],
                ]
        )
    }

    @Test func consentIsOptInPerChannelWithTheTimeItChanged() async throws {
        let (app, token) = try await app()
        let meta = try await app.test { client in
            let bodies = [
                #"{"userId":"u","traits":{"marketingPreferences":{"channels":[{"channel":"email","subscribed":true},{"channel":"sms","subscribed":true}]}},"timestamp":"2024-01-01T00:00:00Z"}"#,
                #"{"userId":"u","traits":{"marketingPreferences":{"channels":[{"channel":"sms","subscribed":false}]}},"timestamp":"2024-02-01T00:00:00Z"}"#,
            ]
            for body in bodies { _ = try await client.post("\(base)/identify", token: token, body: body) }
            try await app.processAll()
            return try await client.get("\(base)/profiles/userId:u/meta", token: token)
        }
        #expect(meta.json["consent"]?["email"] == ["subscribed": true, "changedAt": "2024-01-01T00:00:00.000Z"])
        #expect(meta.json["consent"]?["sms"] == ["subscribed": false, "changedAt": "2024-02-01T00:00:00.000Z"])
        #expect(meta.json["consent"]?["push"] == nil, "a channel never granted is absent, so not subscribed")
    }

    @Test func anonymousHistoryBecomesTheCustomers() async throws {
        let (app, token) = try await app()
        let (meta, timeline, anonymousLookup) = try await app.test { client in
            _ = try await client.post(
                "\(base)/page",
                token: token,
                body: #"{"anonymousId":"anon-1","name":"Home","timestamp":"2024-01-01T00:00:00Z"}"#
            )
            _ = try await client.post(
                "\(base)/identify",
                token: token,
                body:
                    #"{"userId":"u","anonymousId":"anon-1","traits":{"name":"Fred"},"timestamp":"2024-01-02T00:00:00Z"}"#
            )
            try await app.processAll()
            _ = try await client.post(
                "\(base)/screen",
                token: token,
                body: #"{"anonymousId":"anon-1","name":"Cart","timestamp":"2024-01-03T00:00:00Z"}"#
            )
            try await app.processAll()
            return (
                try await client.get("\(base)/profiles/userId:u/meta", token: token),
                try await client.get("\(base)/profiles/userId:u/events", token: token),
                try await client.get("\(base)/events?status=processed", token: token)
            )
        }
        #expect(meta.json["anonymousIds"] == ["anon-1"])
        #expect(meta.json["firstSeen"] == "2024-01-01T00:00:00.000Z")
        #expect(meta.json["lastSeen"] == "2024-01-03T00:00:00.000Z")
        let events = try #require(timeline.json["events"]?.arrayValue)
        #expect(events.map { $0["action"] } == ["screen", "identify", "page"], "newest first")
        let customerId = meta.json["customerId"]
        #expect(anonymousLookup.json["events"]?.arrayValue?.allSatisfy { $0["customerId"] == customerId } == true)
    }

    @Test func aCommandFailsBeforeItsCustomersIdentifyAndWorksAfter() async throws {
        let (app, token) = try await app()
        let (before, after) = try await app.test { client in
            let command = #"{"userId":"ABC/123","event":"SEND_SMS","assetId":"202007-B-AbandonedBooking"}"#
            let first = try await client.post("\(base)/track", token: token, body: command)
            try await app.processAll()
            _ = try await client.post("\(base)/identify", token: token, body: #"{"userId":"ABC/123","traits":{}}"#)
            let second = try await client.post("\(base)/track", token: token, body: command)
            try await app.processAll()
            return (
                try await client.get("\(base)/events/\(first.eventId!)", token: token),
                try await client.get("\(base)/events/\(second.eventId!)", token: token)
            )
        }
        #expect(before.json["status"] == "failed")
        #expect(before.json["errors"]?.arrayValue?.first?["code"] == "customer_not_identified")
        // Identified now, the command goes on to the next check: this brand has no such asset.
        #expect(after.json["status"] == "failed")
        #expect(after.json["errors"]?.arrayValue?.first?["code"] == "asset_not_found")
    }

    @Test func anEmailSharedByCustomersReturnsThemAll() async throws {
        let (app, token) = try await app()
        let answer = try await app.test { client in
            for user in ["a", "b"] {
                _ = try await client.post(
                    "\(base)/identify",
                    token: token,
                    body: #"{"userId":"\#(user)","traits":{"email":"family@example.com"}}"#
                )
            }
            _ = try await client.post(
                "\(base)/identify",
                token: token,
                body: #"{"userId":"c","traits":{"email":"c@example.com"}}"#
            )
            try await app.processAll()
            return try await client.get("\(base)/profiles/email:family%40example.com/meta", token: token)
        }
        #expect(answer.status == .ok)
        let users = answer.json["profiles"]?.arrayValue?.compactMap { $0["userId"]?.stringValue }.sorted()
        #expect(users == ["a", "b"])
    }

    @Test func timelinesArePaged() async throws {
        let (app, token) = try await app()
        let (page, tooBig) = try await app.test { client in
            for index in 0..<5 {
                _ = try await client.post(
                    "\(base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"e\#(index)","timestamp":"2024-01-0\#(index + 1)T00:00:00Z"}"#
                )
            }
            try await app.processAll()
            return (
                try await client.get("\(base)/profiles/userId:u/events?from=1&size=2", token: token),
                try await client.get("\(base)/profiles/userId:u/events?size=101", token: token)
            )
        }
        #expect(page.json["events"]?.arrayValue?.map { $0["event"] } == ["e3", "e2"])
        #expect(tooBig.status == .badRequest)
        #expect(tooBig.code == "invalid_paging")
    }

    @Test func unknownCustomersLookupsAndViewsGetClearErrors() async throws {
        let (app, token) = try await app()
        let answers = try await app.test { client in
            [
                try await client.get("\(base)/profiles/userId:nobody/traits", token: token),
                try await client.get("\(base)/profiles/phone:123/traits", token: token),
                try await client.get("\(base)/profiles/userId:u/history", token: token),
                try await client.get("\(base)/profiles/userId:u/traits", token: nil),
            ]
        }
        #expect(answers.map(\.status) == [.notFound, .badRequest, .notFound, .forbidden])
        #expect(
            answers.map(\.code) == ["profile_not_found", "invalid_profile_lookup", "unknown_view", "no_token_supplied"]
        )
    }

    @Test func anotherBrandCannotSeeTheProfile() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let account = try await app.token(brand: nil)
        let answer = try await app.test { client in
            _ = try await client.post(
                "/track/hea/hea/HEA/v1/identify",
                token: account,
                body: #"{"userId":"u","traits":{}}"#
            )
            try await app.processAll()
            return try await client.get("/track/hea/hea/OTHER/v1/profiles/userId:u/traits", token: account)
        }
        #expect(answer.status == .notFound)
    }
}
