import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// `messageId` de-duplication in the event log: one event per id and token within the window.
@Suite struct MessageDeduplicationContractTests {
    let tenant = EventFixtures.tenant

    /// The instant `millis` milliseconds after the epoch: the windows below are counted in these.
    func time(_ millis: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millis)
    }

    func count(_ stores: CairnStores) async throws -> Int {
        var query = EventQuery(tenant: tenant)
        query.size = 100
        return try await stores.eventLog.events(matching: query).count
    }

    @Test(arguments: StoreBackend.allCases)
    func aRepeatedMessageIdWithinTheWindowIsDropped(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let since = time(1_000)
        let first = EventFixtures.entry(token: token, userId: "u", receivedAt: time(5_000), messageId: "m1")
        #expect(try await stores.eventLog.append([first], duplicatesSince: since).isEmpty)
        // Again later, and twice inside one append: only new ids are stored.
        let again = EventFixtures.entry(token: token, userId: "u", receivedAt: time(6_000), messageId: "m1")
        let twice = (0..<2).map { _ in
            EventFixtures.entry(token: token, userId: "u", receivedAt: time(6_000), messageId: "m2")
        }
        let dropped = try await stores.eventLog.append([again] + twice, duplicatesSince: since)
        #expect(dropped == [again.id, twice[1].id])
        // No messageId: never de-duplicated.
        try await stores.eventLog.append(
            (0..<2).map { _ in EventFixtures.entry(token: token, userId: "u", receivedAt: time(7_000)) },
            duplicatesSince: since
        )
        #expect(try await count(stores) == 4)
        #expect(try await stores.eventLog.event(id: first.id, tenant: tenant)?.entry.messageId == "m1")
    }

    @Test(arguments: StoreBackend.allCases)
    func theWindowIsPerTokenAndExpires(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (one, two) = (try await EventFixtures.token(in: stores), try await EventFixtures.token(in: stores))
        try await stores.eventLog.append(
            [EventFixtures.entry(token: one, userId: "u", receivedAt: time(5_000), messageId: "m")],
            duplicatesSince: time(0)
        )
        // Another write key may use the same id.
        #expect(
            try await stores.eventLog.append(
                [EventFixtures.entry(token: two, userId: "u", receivedAt: time(5_000), messageId: "m")],
                duplicatesSince: time(0)
            ).isEmpty
        )
        // Once the first use is older than the window, the id is new again.
        #expect(
            try await stores.eventLog.append(
                [EventFixtures.entry(token: one, userId: "u", receivedAt: time(9_000), messageId: "m")],
                duplicatesSince: time(5_001)
            ).isEmpty
        )
        #expect(try await count(stores) == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func expiredMessageIdsArePrunedInSlices(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let old = (0..<5).map {
            EventFixtures.entry(token: token, userId: "u", receivedAt: time(1_000), messageId: "old-\($0)")
        }
        let recent = EventFixtures.entry(token: token, userId: "u", receivedAt: time(9_000), messageId: "recent")
        try await stores.eventLog.append(old + [recent], duplicatesSince: time(0))
        let cutoff = time(5_000)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 3)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 2)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 0)
        // The recent id still de-duplicates, even against a cutoff that would not count the pruned ones.
        let dropped = try await stores.eventLog.append(
            [EventFixtures.entry(token: token, userId: "u", receivedAt: time(9_500), messageId: "recent")],
            duplicatesSince: time(0)
        )
        #expect(dropped.count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func groupAndAliasEventsKeepTheirIds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let group = EventFixtures.entry(.group, token: token, userId: "u", groupId: "acme", receivedAt: time(1_000))
        let alias = EventFixtures.entry(.alias, token: token, userId: "u", previousId: "old", receivedAt: time(1_000))
        try await stores.eventLog.append([group, alias])
        #expect(try await stores.eventLog.event(id: group.id, tenant: tenant)?.entry.event.groupId == "acme")
        #expect(try await stores.eventLog.event(id: alias.id, tenant: tenant)?.entry.event.previousId == "old")
        let pending = try await stores.inspection.pendingEvents(limit: 10)
        #expect(pending.map(\.entry.event.action) == [.group, .alias])
        #expect(pending.map(\.entry.event.groupId) == ["acme", nil])
        #expect(pending.map(\.entry.event.previousId) == [nil, "old"])
    }
}
