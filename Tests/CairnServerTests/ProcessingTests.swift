import CairnCore
import Testing

@Suite struct ProcessingTests {
    let base = TestApp.base

    @Test func theRunningServerProcessesEventsByItself() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let status = try await app.test { client in
            let posted = try await client.post("\(base)/identify", token: token, body: #"{"userId":"u","traits":{}}"#)
            // Waits on the event's status, a condition, not on time.
            for _ in 0..<250 {
                let answer = try await client.get("\(base)/events/\(posted.eventId!)", token: token)
                if answer.json["status"] != "accepted" { return answer }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await client.get("\(base)/events/\(posted.eventId!)", token: token)
        }
        #expect(status.json["status"] == "processed")
        #expect(status.json["customerId"]?.stringValue?.isCanonicalUUID == true)
    }
}
