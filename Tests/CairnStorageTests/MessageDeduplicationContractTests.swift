import CairnCore
import CairnStorage
import Testing

/// `messageId` de-duplication in the event log: one event per id and token within the window.
@Suite struct MessageDeduplicationContractTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")

    func token(in stores: CairnStores) async throws -> TokenRecord {
        let (token, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: "B"), now: .now())
        try await stores.tokens.insert(token)
        return token
    }

    func entry(
        _ token: TokenRecord,
        messageId: String?,
        at millis: Int64,
        action: EventAction = .track
    ) -> EventLogEntry {
        let time = Timestamp(millisecondsSinceEpoch: millis)
        return EventLogEntry(
            id: EventID.make(at: time),
            tenant: tenant,
            tokenId: token.id,
            event: ValidatedEvent(
                action: action,
                eventName: "e",
                userId: "u",
                anonymousId: nil,
                originalTimestamp: nil,
                eventTime: time,
                command: nil,
                groupId: action == .group ? "acme" : nil,
                previousId: action == .alias ? "old" : nil
            ),
            receivedAt: time,
            body: Array(#"{"userId":"u","event":"e"}"#.utf8),
            messageId: messageId
        )
    }

    func count(_ stores: CairnStores) async throws -> Int {
        var query = EventQuery(tenant: tenant)
        query.size = 100
        return try await stores.eventLog.events(matching: query).count
    }

    @Test(arguments: StoreBackend.allCases)
    func aRepeatedMessageIdWithinTheWindowIsDropped(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await token(in: stores)
        let since = Timestamp(millisecondsSinceEpoch: 1_000)
        let first = entry(token, messageId: "m1", at: 5_000)
        #expect(try await stores.eventLog.append([first], duplicatesSince: since).isEmpty)
        // Again later, and twice inside one append: only new ids are stored.
        let again = entry(token, messageId: "m1", at: 6_000)
        let twice = [entry(token, messageId: "m2", at: 6_000), entry(token, messageId: "m2", at: 6_000)]
        let dropped = try await stores.eventLog.append([again] + twice, duplicatesSince: since)
        #expect(dropped == [again.id, twice[1].id])
        // No messageId: never de-duplicated.
        try await stores.eventLog.append(
            [entry(token, messageId: nil, at: 7_000), entry(token, messageId: nil, at: 7_000)],
            duplicatesSince: since
        )
        #expect(try await count(stores) == 4)
        #expect(try await stores.eventLog.event(id: first.id, tenant: tenant)?.entry.messageId == "m1")
    }

    @Test(arguments: StoreBackend.allCases)
    func theWindowIsPerTokenAndExpires(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (one, two) = (try await token(in: stores), try await token(in: stores))
        try await stores.eventLog.append(
            [entry(one, messageId: "m", at: 5_000)],
            duplicatesSince: Timestamp(millisecondsSinceEpoch: 0)
        )
        // Another write key may use the same id.
        #expect(
            try await stores.eventLog.append(
                [entry(two, messageId: "m", at: 5_000)],
                duplicatesSince: Timestamp(millisecondsSinceEpoch: 0)
            ).isEmpty
        )
        // Once the first use is older than the window, the id is new again.
        #expect(
            try await stores.eventLog.append(
                [entry(one, messageId: "m", at: 9_000)],
                duplicatesSince: Timestamp(millisecondsSinceEpoch: 5_001)
            ).isEmpty
        )
        #expect(try await count(stores) == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func expiredMessageIdsArePrunedInSlices(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await token(in: stores)
        let old = (0..<5).map { entry(token, messageId: "old-\($0)", at: 1_000) }
        let recent = entry(token, messageId: "recent", at: 9_000)
        try await stores.eventLog.append(old + [recent], duplicatesSince: Timestamp(millisecondsSinceEpoch: 0))
        let cutoff = Timestamp(millisecondsSinceEpoch: 5_000)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 3)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 2)
        #expect(try await stores.eventLog.pruneMessageIds(seenBefore: cutoff, limit: 3) == 0)
        // The recent id still de-duplicates, even against a cutoff that would not count the pruned ones.
        let dropped = try await stores.eventLog.append(
            [entry(token, messageId: "recent", at: 9_500)],
            duplicatesSince: Timestamp(millisecondsSinceEpoch: 0)
        )
        #expect(dropped.count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func groupAndAliasEventsKeepTheirIds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await token(in: stores)
        let group = entry(token, messageId: nil, at: 1_000, action: .group)
        let alias = entry(token, messageId: nil, at: 1_000, action: .alias)
        try await stores.eventLog.append([group, alias])
        #expect(try await stores.eventLog.event(id: group.id, tenant: tenant)?.entry.event.groupId == "acme")
        #expect(try await stores.eventLog.event(id: alias.id, tenant: tenant)?.entry.event.previousId == "old")
        let pending = try await stores.profiles.pendingEvents(limit: 10)
        #expect(pending.map(\.entry.event.action) == [.group, .alias])
        #expect(pending.map(\.entry.event.groupId) == ["acme", nil])
        #expect(pending.map(\.entry.event.previousId) == [nil, "old"])
    }
}
