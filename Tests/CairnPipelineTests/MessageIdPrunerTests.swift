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
}
