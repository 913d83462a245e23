import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import Testing

@Suite struct MessageIdPrunerTests {
    @Test(arguments: StoreBackend.allCases)
    func expiredMessageIdsAreForgottenAndRecentOnesKept(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        func entry(_ messageId: String, at time: Timestamp) -> EventLogEntry {
            EventFixtures.entry(token: token, name: "e", userId: "u", receivedAt: time, messageId: messageId)
        }
        let epoch = Timestamp(millisecondsSinceEpoch: 0)
        let twoMinutesAgo = Timestamp(millisecondsSinceEpoch: clock.now().millisecondsSinceEpoch - 120_000)
        try await stores.eventLog.append(
            [entry("old", at: twoMinutesAgo), entry("new", at: clock.now())],
            duplicatesSince: epoch
        )
        let pruner = MessageIdPruner(
            store: stores.eventLog,
            window: .seconds(60),
            clock: clock,
            logger: Logger(label: "test")
        )
        await pruner.pruneExpired()
        // Measured against all time, only the id that was kept still counts as seen.
        clock.advance(by: .milliseconds(1))
        let dropped = try await stores.eventLog.append(
            [entry("old", at: clock.now()), entry("new", at: clock.now())],
            duplicatesSince: epoch
        )
        #expect(dropped.count == 1)
        var query = EventQuery(tenant: EventFixtures.tenant)
        query.size = 10
        let stored = try await stores.eventLog.events(matching: query).compactMap(\.entry.messageId)
        #expect(stored.sorted() == ["new", "old", "old"])
    }

    /// The running pruner waits on its clock between passes: a test moves the clock past the
    /// interval and the next pass forgets what expired meanwhile, with no real waiting.
    @Test func theRunningPrunerPrunesAgainEachIntervalOfItsClock() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let clock = ManualClock()
        let epoch = Timestamp(millisecondsSinceEpoch: 0)
        func append(_ messageId: String) async throws -> Int {
            let entry = EventFixtures.entry(
                token: token,
                name: "e",
                userId: "u",
                receivedAt: clock.now(),
                messageId: messageId
            )
            return try await stores.eventLog.append([entry], duplicatesSince: epoch).count
        }
        #expect(try await append("kept") == 0)
        let pruner = MessageIdPruner(
            store: stores.eventLog,
            window: .seconds(60),
            interval: .seconds(60),
            clock: clock,
            logger: Logger(label: "test")
        )
        let running = Task { try await pruner.run() }
        defer { running.cancel() }
        // The first pass is over once the loop sleeps; the id, a minute young, is still known.
        for _ in 0..<500 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(clock.sleeping == 1)
        #expect(try await append("kept") == 1)
        // A minute and a second later the loop wakes, prunes, and sleeps again.
        clock.advance(by: .seconds(61))
        for _ in 0..<500 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(clock.sleeping == 1)
        #expect(try await append("kept") == 0, "the expired id was forgotten by the second pass")
    }
}
