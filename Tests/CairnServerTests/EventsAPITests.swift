import CairnCore
import CairnServer
import HTTPTypes
import Testing

@Suite struct EventsAPITests {
    let base = TestApp.base

    /// Six events for two users over six days; the last one is a command that fails.
    func seeded() async throws -> (TestApp, String) {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        try await app.test { client in
            let bodies = [
                ("identify", #"{"userId":"a","traits":{},"timestamp":"2024-01-01T00:00:00Z"}"#),
                ("track", #"{"userId":"a","event":"Product Added","timestamp":"2024-01-02T00:00:00Z"}"#),
                ("track", #"{"userId":"b","event":"Product Added","timestamp":"2024-01-03T00:00:00Z"}"#),
                ("page", #"{"userId":"b","timestamp":"2024-01-04T00:00:00Z"}"#),
                ("track", #"{"userId":"a","event":"Order Completed","timestamp":"2024-01-05T00:00:00Z"}"#),
                ("track", #"{"userId":"b","event":"send_email","assetId":"x","timestamp":"2024-01-06T00:00:00Z"}"#),
            ]
            for (action, body) in bodies {
                let answer = try await client.post("\(base)/\(action)", token: token, body: body)
                try #require(answer.status == .ok)
            }
        }
        try await app.processAll()
        return (app, token)
    }

    func names(_ answer: Answer) -> [String] {
        answer.json["events"]?.arrayValue?.map { $0["event"]?.stringValue ?? $0["action"]?.stringValue ?? "?" } ?? []
    }

    @Test func listsNewestFirstWithFilters() async throws {
        let (app, token) = try await seeded()
        let answers = try await app.test { client in
            [
                try await client.get("\(base)/events", token: token),
                try await client.get("\(base)/events?userId=a", token: token),
                try await client.get("\(base)/events?event=Product%20Added", token: token),
                try await client.get("\(base)/events?status=failed", token: token),
                try await client.get(
                    "\(base)/events?start=2024-01-02T00:00:00Z&end=2024-01-04T00:00:00Z",
                    token: token
                ),
                try await client.get("\(base)/events?from=1&size=2", token: token),
            ]
        }
        #expect(
            names(answers[0]) == [
                "send_email", "Order Completed", "page", "Product Added", "Product Added", "identify",
            ]
        )
        #expect(names(answers[1]) == ["Order Completed", "Product Added", "identify"])
        #expect(names(answers[2]) == ["Product Added", "Product Added"])
        #expect(names(answers[3]) == ["send_email"])
        #expect(
            answers[3].json["events"]?.arrayValue?.first?["errors"]?.arrayValue?.first?["code"]
                == "customer_not_identified"
        )
        let listed = answers[0].json["events"]?.arrayValue ?? []
        #expect(
            !listed.isEmpty && listed.allSatisfy { $0["messages"] == nil },
            "lists do not claim an event sent nothing"
        )
        #expect(names(answers[4]) == ["Product Added", "Product Added"])
        #expect(names(answers[5]) == ["Order Completed", "page"])
        #expect(answers[5].json["from"] == 1)
        #expect(answers[5].json["size"] == 2)
    }

    @Test func badFiltersGetClearErrors() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let answers = try await app.test { client in
            [
                try await client.get("\(base)/events?status=done", token: token),
                try await client.get("\(base)/events?start=yesterday", token: token),
                try await client.get("\(base)/events?size=0", token: token),
                try await client.get("\(base)/events?from=-1", token: token),
                try await client.get("\(base)/events?size=ten", token: token),
            ]
        }
        #expect(answers.allSatisfy { $0.status == .badRequest })
        #expect(
            answers.map(\.code) == [
                "invalid_status", "invalid_timestamp", "invalid_paging", "invalid_paging", "invalid_paging",
            ]
        )
    }

    @Test func otherBrandsEventsAreNotListed() async throws {
        let (app, _) = try await seeded()
        let other = try await app.token(brand: "OTHER")
        let answer = try await app.test { client in try await client.get("/track/hea/hea/OTHER/v1/events", token: other)
        }
        #expect(answer.status == .ok)
        #expect(answer.json["events"] == [])
    }
}
