import CairnCore
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Testing

@Suite struct TrackIngestTests {
    @Test(arguments: [
        ("identify", SpecExamples.identify), ("track", SpecExamples.productAdded), ("page", SpecExamples.page),
        ("track", SpecExamples.sendSMS), ("track", SpecExamples.startJourney),
    ])
    func specExamplesAreAcceptedAndStored(_ action: String, _ body: String) async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/\(action)", token: token, body: body)
        }
        #expect(answer.status == .ok)
        #expect(answer.json["success"] == true)
        let id = try #require(answer.eventId.flatMap(EventID.init))
        #expect(id.version == 7)
        let stored = try #require(try await app.stores.eventLog.event(id: id, tenant: TestApp.tenant))
        #expect(stored.entry.body == Array(body.utf8))
        #expect(stored.entry.event.action.rawValue == action)
    }

    @Test func theStoredEventCarriesItsFields() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/track", token: token, body: SpecExamples.productAdded)
        }
        let stored = try #require(
            try await app.stores.eventLog.event(id: EventID(answer.eventId!)!, tenant: TestApp.tenant)
        )
        #expect(stored.entry.event.eventName == "Product Added")
        #expect(stored.entry.event.userId == "ABC/123")
        #expect(stored.entry.event.originalTimestamp == "2019-11-28T14:31:58.596Z")
        #expect(stored.entry.event.eventTime == Timestamp(iso8601: "2019-11-28T14:31:58.596Z"))
        #expect(stored.entry.receivedAt == app.clock.now())
    }

    @Test func screenEventsAreAccepted() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/screen", token: token, body: #"{"anonymousId":"a1","name":"Home"}"#)
        }
        #expect(answer.status == .ok)
    }

    @Test func theSpecPageExampleAsPrintedIsNotJSON() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/page", token: token, body: SpecExamples.pageAsPrinted)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_json")
    }

    @Test(arguments: [
        ("identify", #"{"traits":{}}"#, "missing_user_id"),
        ("identify", #"{"userId":"u"}"#, "missing_traits"),
        ("track", #"{"userId":"u"}"#, "missing_event"),
        ("track", #"{"event":"e"}"#, "missing_user_id"),
        ("page", #"{"properties":{}}"#, "missing_user_or_anonymous_id"),
        ("track", #"{"userId":"u","event":"e","timestamp":"18/11/2019"}"#, "invalid_timestamp"),
        ("track", #"{"userId":"u","event":"send_email"}"#, "missing_asset_id"),
        ("track", #"{"userId":"u","event":"START_JOURNEY","properties":{}}"#, "missing_journey_id"),
        (
            "track",
            #"{"userId":"u","event":"start_journey","properties":{"journeyIdToTrigger":"j","stepIdToTrigger":"s1"}}"#,
            "invalid_step_id"
        ),
        ("track", "[1,2]", "body_not_object"),
        ("track", #"{"userId":"u","event":"e""#, "invalid_json"),
    ])
    func badEventsGetAClearError(_ action: String, _ body: String, _ code: String) async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/\(action)", token: token, body: body)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.json["success"] == false)
        #expect(answer.code == code)
        #expect((answer.json["message"]?.stringValue?.count ?? 0) > 10)
    }

    @Test func unknownActionsAreNotFound() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/alias", token: token, body: "{}")
        }
        #expect(answer.status == .notFound)
        #expect(answer.code == "unknown_action")
    }

    @Test func actionsAreMatchedInAnyCase() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/Track", token: token, body: #"{"userId":"u","event":"e"}"#)
        }
        #expect(answer.status == .ok)
    }
}
