import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

@Suite struct EventProcessorTests {
    let clock = ManualClock()

    func processor(_ store: any ProcessingStore, batchSize: Int = 1000, busy: Bool = false) -> EventProcessor {
        EventProcessor(
            store: store,
            clock: clock,
            batchSize: batchSize,
            retryDelay: .milliseconds(1),
            ingestIsBusy: { busy },
            logger: Logger(label: "processor")
        )
    }

    /// Waits until no event is waiting (a condition, not a time), for a running processor, moving
    /// the manual clock on meanwhile: the processor's idle waits and retry delays are on it.
    func waitUntilProcessed(_ stores: CairnStores) async throws {
        for _ in 0..<500 where try await !stores.inspection.pendingEvents(limit: 1).isEmpty {
            clock.advance(by: .seconds(1))
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRestartInTheMiddleOfABacklogAppliesEveryEventOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let entries = (0..<300).map { index in
            let user = "user-\(index % 7)"
            return index % 10 == 0
                ? EventFixtures.entry(.identify, token: token, userId: user, traits: ["visits": .number("\(index)")])
                : EventFixtures.entry(token: token, name: "e\(index)", userId: user)
        }
        try await stores.eventLog.append(entries)
        // One processor applies two batches and "crashes"; a new one (as after a restart) takes the rest.
        // (On PostgreSQL a batch is one partition's events, so it may hold fewer than its limit.)
        let first = processor(stores.processing, batchSize: 50)
        let before = try await first.processBatch() + first.processBatch()
        #expect((2...100).contains(before))
        let second = processor(stores.processing, batchSize: 64)
        var applied = 0
        while case let count = try await second.processBatch(), count > 0 { applied += count }
        #expect(applied == 300 - before)

        var query = EventQuery(tenant: EventFixtures.tenant)
        query.status = .accepted
        #expect(try await stores.eventLog.events(matching: query).isEmpty)
        var total = 0
        for user in 0..<7 {
            let profile = try #require(
                try await stores.profiles.profile(userId: "user-\(user)", tenant: EventFixtures.tenant)
            )
            total += try await stores.profiles.timeline(
                customerId: profile.customerId,
                tenant: EventFixtures.tenant,
                from: 0,
                size: 100
            ).count
        }
        #expect(total == 300)
        // The newest identify of user-0 set visits last (indexes 0, 70, 140, 210, 280).
        let user0 = try await stores.profiles.profile(userId: "user-0", tenant: EventFixtures.tenant)
        #expect(user0?.traits["visits"] == 280)
    }

    @Test func anIdleProcessorWaitsForTheWritersRingNotItsDelay() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let stored = WakeSignal()
        // Idle for a minute unless rung: only the ring can have it process within the test.
        let processor = EventProcessor(
            store: stores.processing,
            clock: clock,
            eventsStored: stored,
            idleDelay: .seconds(60),
            logger: Logger(label: "processor")
        )
        let running = Task { try await processor.run() }
        // Idle first (waiting on the signal), so that only the ring can wake it.
        for _ in 0..<500 where stored.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(stored.waiting == 1)
        try await stores.eventLog.append([EventFixtures.entry(token: token, name: "e", userId: "u")])
        stored.ring()
        try await waitUntilProcessed(stores)
        #expect(try await stores.inspection.pendingEvents(limit: 1).isEmpty)
        running.cancel()
        _ = await running.result
    }

    @Test func anEventThatCannotBeAppliedIsSetAsideAndTheRestGoOn() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let entries = (0..<5).map { EventFixtures.entry(token: token, name: "e\($0)", userId: "u") }
        try await stores.eventLog.append(entries)
        let pending = try await stores.inspection.pendingEvents(limit: 10)
        let store = PoisonedProcessingStore(stores: stores, poisoned: pending[2].sequence)
        let running = Task { try await processor(store).run() }
        try await waitUntilProcessed(stores)
        running.cancel()
        try await running.value
        var statuses: [EventStatus] = []
        for entry in entries {
            let stored = try #require(try await stores.eventLog.event(id: entry.id, tenant: EventFixtures.tenant))
            statuses.append(stored.status)
            if stored.status == .failed { #expect(stored.errors.map(\.code) == ["processing_failed"]) }
        }
        #expect(statuses == [.processed, .processed, .failed, .processed, .processed])
    }

    @Test func batchesThatFailWithTheDatabaseAwaySetNothingAside() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        try await stores.eventLog.append((0..<5).map { EventFixtures.entry(token: token, name: "e\($0)", userId: "u") })
        // More failures in a row than the processor's tries for a refused event.
        let store = PoisonedProcessingStore(stores: stores, poisoned: -1, outages: .init(6))
        let running = Task { try await processor(store).run() }
        try await waitUntilProcessed(stores)
        running.cancel()
        try await running.value
        var query = EventQuery(tenant: EventFixtures.tenant)
        query.status = .processed
        #expect(try await stores.eventLog.events(matching: query).count == 5)
        #expect(store.outages.take() == false)
    }

    @Test func whileIngestIsBusyTheProcessorTakesSmallBatches() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        try await stores.eventLog.append(
            (0..<250).map { EventFixtures.entry(token: token, name: "e", userId: "u\($0 % 9)") }
        )
        #expect(try await processor(stores.processing, busy: true).processBatch() == EventProcessor.busyBatchSize)
        #expect(try await processor(stores.processing, busy: false).processBatch() == 150)
    }

    @Test func processedEventsAreStampedWithTheClocksTime() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let entry = EventFixtures.entry(.identify, token: token, userId: "u", traits: [:])
        try await stores.eventLog.append([entry])
        clock.advance(by: .seconds(3600))
        #expect(try await processor(stores.processing).processBatch() == 1)
        let stored = try #require(try await stores.eventLog.event(id: entry.id, tenant: EventFixtures.tenant))
        #expect(stored.status == .processed)
        let profile = try #require(try await stores.profiles.profile(userId: "u", tenant: EventFixtures.tenant))
        // A new customer's id is made at the processor's time, which the clock gave.
        #expect(EventID(profile.customerId)?.timestamp == clock.now())
    }
}

/// A processing store whose batches are refused whenever they hold one chosen event (a stand-in
/// for an event the database cannot store), or fail as if the database were away for the
/// first `outages` batches.
struct PoisonedProcessingStore: ProcessingStore {
    let stores: CairnStores
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
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        if outages.take() { throw DatabaseAway() }
        let pending = try await stores.inspection.pendingEvents(limit: limit)
        if pending.contains(where: { $0.sequence == poisoned }) {
            throw EventsRefused(sequence: pending[0].sequence, reason: "poisoned")
        }
        return try await stores.processing.processPending(limit: limit, processedAt: processedAt, apply: apply)
    }

    func processPending(
        alone sequence: Int64,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await processPending(limit: 1, processedAt: processedAt, apply: apply)
    }

    func backlog() async throws -> Int { try await stores.processing.backlog() }

    func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        try await stores.processing.fail(sequence: sequence, error: error, at: time)
    }
}
