import CairnCore
import CairnServer
import CairnStorage
import HTTPTypes
import Logging
import Testing

@Suite struct EventProcessorTests {
    let base = TestApp.base

    @Test func theRunningServerProcessesEventsByItself() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let status = try await app.test { client in
            let posted = try await client.post("\(base)/identify", token: token, body: #"{"userId":"u","traits":{}}"#)
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

    @Test func aRestartInTheMiddleOfABacklogAppliesEveryEventOnce() async throws {
        let app = try await TestApp { $0.processorEnabled = false }
        let token = try await app.token()
        try await app.test { client in
            for index in 0..<300 {
                let user = "user-\(index % 7)"
                let body =
                    index % 10 == 0
                    ? #"{"userId":"\#(user)","traits":{"visits":\#(index)}}"#
                    : #"{"userId":"\#(user)","event":"e\#(index)"}"#
                _ = try await client.post("\(base)/\(index % 10 == 0 ? "identify" : "track")", token: token, body: body)
            }
        }
        // One processor applies two batches and "crashes"; a new one (as after a restart) takes the rest.
        let first = EventProcessor(store: app.stores.profiles, batchSize: 50, logger: Logger(label: "first"))
        #expect(try await first.processBatch() == 50)
        #expect(try await first.processBatch() == 50)
        #expect(try await app.processAll(batchSize: 64) == 200)
        #expect(try await app.processAll() == 0)

        var query = EventQuery(tenant: TestApp.tenant)
        query.size = 100
        query.status = .accepted
        #expect(try await app.stores.eventLog.events(matching: query).isEmpty)
        var total = 0
        for user in 0..<7 {
            let profile = try #require(
                try await app.stores.profiles.profile(userId: "user-\(user)", tenant: TestApp.tenant)
            )
            var from = 0
            while true {
                let page = try await app.stores.profiles.timeline(
                    customerId: profile.customerId,
                    tenant: TestApp.tenant,
                    from: from,
                    size: 100
                )
                total += page.count
                if page.count < 100 { break }
                from += 100
            }
        }
        #expect(total == 300)
        // The newest identify of user-0 set visits last (indexes 0, 70, 140, 210, 280).
        let user0 = try await app.stores.profiles.profile(userId: "user-0", tenant: TestApp.tenant)
        #expect(user0?.traits["visits"] == 280)
    }
}
