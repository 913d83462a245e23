import CairnCore
import CairnServer
import CairnTestFixtures
import HTTPTypes
import Testing

@Suite struct EventStatusTests {
    @Test func anAcceptedEventReportsItsStatus() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let status = try await app.test { client in
            let posted = try await client.post("\(TestApp.base)/track", token: token, body: SpecExamples.productAdded)
            return try await client.get("\(TestApp.base)/events/\(posted.eventId!)", token: token)
        }
        #expect(status.status == .ok)
        #expect(status.json["success"] == true)
        #expect(status.json["status"] == "accepted")
        #expect(status.json["action"] == "track")
        #expect(status.json["event"] == "Product Added")
        #expect(status.json["userId"] == "ABC/123")
        #expect(status.json["timestamp"] == "2019-11-28T14:31:58.596Z")
        #expect(status.json["errors"] == [])
        #expect(status.json["messages"] == [])
    }

    @Test func unknownAndMalformedIdsAreNotFound() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answers = try await app.test { client in
            [
                try await client.get("\(TestApp.base)/events/7f7211bf-94c8-4bfc-afb2-8a319d045cd6", token: token),
                try await client.get("\(TestApp.base)/events/not-an-id", token: token),
            ]
        }
        for answer in answers {
            #expect(answer.status == .notFound)
            #expect(answer.code == "event_not_found")
        }
    }

    @Test func anotherTenantsEventIsNotFound() async throws {
        let app = try await TestApp()
        let account = try await app.token(brand: nil)
        let otherAccount = try await app.token(client: "hea", account: "two", brand: nil)
        let (fromOtherBrand, fromOtherAccount, fromOwnBrand) = try await app.test { client in
            let posted = try await client.post(
                "/track/hea/hea/HEA/v1/track",
                token: account,
                body: #"{"userId":"u","event":"e"}"#
            )
            let id = posted.eventId!
            return (
                try await client.get("/track/hea/hea/OTHER/v1/events/\(id)", token: account).status,
                try await client.get("/track/hea/two/HEA/v1/events/\(id)", token: otherAccount).status,
                try await client.get("/track/hea/hea/HEA/v1/events/\(id)", token: account).status
            )
        }
        #expect(fromOtherBrand == .notFound)
        #expect(fromOtherAccount == .notFound)
        #expect(fromOwnBrand == .ok)
    }

    @Test func healthAnswers() async throws {
        let app = try await TestApp()
        let status = try await app.test { client in try await client.get("/health", token: nil).status }
        #expect(status == .ok)
    }
}
