import CairnCore
import CairnStorage
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import CairnServer

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

/// A profile store whose batches are refused whenever they hold one chosen event (a stand-in
/// for an event the database cannot store), or fail as if the database were away for the
/// first `outages` batches.
struct PoisonedProfileStore: ProfileStore {
    let inner: any ProfileStore
    let poisoned: Int64
    var outages = Outages(0)

    final class Outages: Sendable {
        let left: Mutex<Int>
        init(_ count: Int) { left = Mutex(count) }
        func take() -> Bool {
            left.withLock { left in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
        }
    }

    struct DatabaseAway: Error {}

    func processPending(
        limit: Int,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        if outages.take() { throw DatabaseAway() }
        let pending = try await inner.pendingEvents(limit: limit)
        if pending.contains(where: { $0.sequence == poisoned }) {
            throw EventsRefused(sequence: pending[0].sequence, reason: "poisoned")
        }
        return try await inner.processPending(limit: limit, apply: apply)
    }

    func processPending(
        alone sequence: Int64,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await processPending(limit: 1, apply: apply)
    }

    func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        try await inner.fail(sequence: sequence, error: error, at: time)
    }
    func pendingEvents(limit: Int) async throws -> [LoggedEvent] { try await inner.pendingEvents(limit: limit) }
    func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await inner.profiles(userIds: userIds, anonymousIds: anonymousIds)
    }
    func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await inner.commit(result, processedAt: processedAt)
    }
    func group(groupId: String, tenant: Tenant) async throws -> GroupProfile? {
        try await inner.group(groupId: groupId, tenant: tenant)
    }
    func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await inner.profile(customerId: customerId, tenant: tenant)
    }
    func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await inner.profile(userId: userId, tenant: tenant)
    }
    func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile] {
        try await inner.profiles(email: email, tenant: tenant)
    }
    func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent] {
        try await inner.timeline(customerId: customerId, tenant: tenant, from: from, size: size)
    }
}

extension EventProcessorTests {
    @Test func anEventThatCannotBeAppliedIsSetAsideAndTheRestGoOn() async throws {
        let app = try await TestApp { $0.processorEnabled = false }
        let token = try await app.token()
        let ids = try await app.test { client in
            var ids: [String] = []
            for index in 0..<5 {
                let answer = try await client.post(
                    "\(base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"e\#(index)"}"#
                )
                ids.append(answer.eventId ?? "")
            }
            return ids
        }
        let pending = try await app.stores.profiles.pendingEvents(limit: 10)
        let store = PoisonedProfileStore(inner: app.stores.profiles, poisoned: pending[2].sequence)
        let processor = EventProcessor(store: store, retryDelay: .milliseconds(1), logger: Logger(label: "poison"))
        let running = Task { try await processor.run() }
        for _ in 0..<250 where try await !app.stores.profiles.pendingEvents(limit: 1).isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        var statuses: [EventStatus] = []
        for id in ids {
            let stored = try #require(try await app.stores.eventLog.event(id: EventID(id)!, tenant: TestApp.tenant))
            statuses.append(stored.status)
            if stored.status == .failed { #expect(stored.errors.map(\.code) == ["processing_failed"]) }
        }
        #expect(statuses == [.processed, .processed, .failed, .processed, .processed])

    }

    @Test func batchesThatFailWithTheDatabaseAwaySetNothingAside() async throws {
        let app = try await TestApp { $0.processorEnabled = false }
        let token = try await app.token()
        try await app.test { client in
            for index in 0..<5 {
                _ = try await client.post("\(base)/track", token: token, body: #"{"userId":"u","event":"e\#(index)"}"#)
            }
        }
        // More failures in a row than the processor's tries for a refused event.
        let store = PoisonedProfileStore(inner: app.stores.profiles, poisoned: -1, outages: .init(6))
        let processor = EventProcessor(store: store, retryDelay: .milliseconds(1), logger: Logger(label: "outage"))
        let running = Task { try await processor.run() }
        for _ in 0..<250 where try await !app.stores.profiles.pendingEvents(limit: 1).isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        var query = EventQuery(tenant: TestApp.tenant)
        query.status = .processed
        #expect(try await app.stores.eventLog.events(matching: query).count == 5)
        #expect(store.outages.take() == false)
    }
}

extension EventProcessorTests {
    @Test func whileIngestIsBusyTheProcessorTakesSmallBatches() async throws {
        let app = try await TestApp { $0.processorEnabled = false }
        let token = try await app.token()
        try await app.test { client in
            let items = (0..<250).map { #"{"type":"track","userId":"u\#($0 % 9)","event":"e"}"# }
            _ = try await client.post(
                "\(base)/batch",
                token: token,
                body: #"{"batch":[\#(items.joined(separator: ","))]}"#
            )
        }
        let busy = EventProcessor(store: app.stores.profiles, ingestIsBusy: { true }, logger: Logger(label: "busy"))
        #expect(try await busy.processBatch() == EventProcessor.busyBatchSize)
        let idle = EventProcessor(store: app.stores.profiles, ingestIsBusy: { false }, logger: Logger(label: "idle"))
        #expect(try await idle.processBatch() == 150)
    }

    @Test func theWriterIsBusyWhileItWritesAndShortlyAfter() async throws {
        let app = try await TestApp()
        // A long window keeps the first check independent of how busy the test machine is.
        let writer = EventLogWriter(
            store: app.stores.eventLog,
            busyWindow: .seconds(2),
            logger: Logger(label: "writer")
        )
        #expect(!writer.isBusy)
        let token = try await app.token()
        let record = try #require(try await app.stores.tokens.token(id: TokenSecret(presented: token)!.id))
        let running = Task { try await writer.run() }
        let event = try EventValidator.validate(
            action: .track,
            body: ["userId": "u", "event": "e"],
            receivedAt: .now()
        )
        try await writer.append([
            EventLogEntry(
                id: EventID.make(at: .now()),
                tenant: TestApp.tenant,
                tokenId: record.id,
                event: event,
                receivedAt: .now(),
                body: Array(#"{"userId":"u","event":"e"}"#.utf8)
            )
        ])
        #expect(writer.isBusy)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(!writer.isBusy)
        running.cancel()
        try await running.value
    }
}
