import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import Testing

@Suite struct EventLogWriterTests {
    @Test func storedEventsRingTheProcessorsSignal() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        let stored = WakeSignal()
        let writer = EventLogWriter(
            store: stores.eventLog,
            clock: clock,
            eventsStored: stored,
            logger: Logger(label: "w")
        )
        let running = Task { try await writer.run() }
        try await writer.append([EventFixtures.entry(token: token, name: "e", userId: "u", receivedAt: clock.now())])
        // The ring was kept: this wait ends at once rather than after its minute.
        let started = ContinuousClock.now
        await stored.wait(upTo: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(30))
        running.cancel()
        try await running.value
    }

    @Test func theWriterIsBusyWhileItWritesAndForItsWindowAfter() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        let writer = EventLogWriter(
            store: stores.eventLog,
            busyWindow: .seconds(2),
            clock: clock,
            logger: Logger(label: "w")
        )
        #expect(!writer.isBusy)
        let running = Task { try await writer.run() }
        try await writer.append([EventFixtures.entry(token: token, name: "e", userId: "u", receivedAt: clock.now())])
        #expect(writer.isBusy)
        clock.advance(by: .milliseconds(1999))
        #expect(writer.isBusy)
        clock.advance(by: .milliseconds(2))
        #expect(!writer.isBusy)
        running.cancel()
        try await running.value
    }

    @Test func aMessageIdIsNewAgainOnceTheWindowHasPassedOnTheClock() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        let writer = EventLogWriter(
            store: stores.eventLog,
            deduplicationWindow: .seconds(60),
            clock: clock,
            logger: Logger(label: "w")
        )
        let running = Task { try await writer.run() }
        func send() async throws {
            try await writer.append([
                EventFixtures.entry(token: token, name: "e", userId: "u", receivedAt: clock.now(), messageId: "m")
            ])
        }
        try await send()
        clock.advance(by: .seconds(59))
        try await send()
        clock.advance(by: .seconds(2))
        try await send()
        running.cancel()
        try await running.value
        var query = EventQuery(tenant: EventFixtures.tenant)
        query.size = 10
        #expect(try await stores.eventLog.events(matching: query).count == 2)
    }
}

@Suite struct EventLogWriterBrandTests {
    @Test(arguments: StoreBackend.allCases)
    func aBrandFirstSeenThroughAnEventExistsWithTheDefaults(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        let writer = EventLogWriter(
            store: stores.eventLog,
            brands: stores.brands,
            clock: clock,
            logger: Logger(label: "w")
        )
        let running = Task { try await writer.run() }
        let seen = Tenant(clientId: "c", accountId: "a", brandId: "SEEN")
        try await writer.append([EventFixtures.entry(token: token, tenant: seen, name: "e", userId: "u")])
        running.cancel()
        try await running.value
        #expect(try await stores.brands.brand(seen) == Brand.withDefaults(seen, at: clock.now()))
    }
}
