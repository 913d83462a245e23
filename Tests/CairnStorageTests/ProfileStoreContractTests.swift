import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct ProfileStoreContractTests {
    let tenant = EventFixtures.tenant

    /// Logs `events` as (action, userId, anonymousId) events, one millisecond apart, with an
    /// account-wide token. Every identify has the same email trait.
    func log(_ stores: CairnStores, _ events: [(EventAction, String?, String?)]) async throws {
        let token = try await EventFixtures.token(in: stores, accountWide: true)
        let entries = events.enumerated().map { offset, event in
            let (action, userId, anonymousId) = event
            let time = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(offset))
            return EventFixtures.entry(
                action,
                token: token,
                name: action == .track ? "e\(offset)" : nil,
                userId: userId,
                anonymousId: anonymousId,
                traits: action == .identify ? ["email": "shared@example.com"] : nil,
                receivedAt: time
            )
        }
        try await stores.eventLog.append(entries)
    }

    /// Processes the waiting events as one batch, by hand, naming new customers after the batch's
    /// first event; returns what processing made of them.
    func processAll(_ stores: CairnStores) async throws -> ProfileProcessor.Result {
        let events = try await stores.inspection.pendingEvents(limit: 1000)
        let keys = BatchKeys(of: events)
        let profiles = try await stores.inspection.profiles(userIds: keys.userIds, anonymousIds: keys.anonymousIds)
        var counter = 0
        let result = ProfileProcessor.process(events, snapshot: ProfileSnapshot(profiles)) {
            counter += 1
            return "customer-\(events.first?.sequence ?? 0)-\(counter)"
        }
        try await stores.inspection.commit(result, processedAt: EventFixtures.receivedAt)
        return result
    }

    @Test(arguments: StoreBackend.allCases)
    func pendingEventsComeInLogOrderUntilCommitted(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(stores, [(.page, nil, "x"), (.track, "u", nil), (.identify, "u", nil)])
        let pending = try await stores.inspection.pendingEvents(limit: 10)
        #expect(pending.map(\.entry.event.action) == [.page, .track, .identify])
        #expect(pending.map(\.sequence) == pending.map(\.sequence).sorted())
        #expect(try await stores.inspection.pendingEvents(limit: 2).count == 2)
        _ = try await processAll(stores)
        #expect(try await stores.inspection.pendingEvents(limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aBatchCannotBeCommittedTwice(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(stores, [(.identify, "u", nil)])
        let result = try await processAll(stores)
        var again = result
        again.profiles[0].traits["email"] = "changed@example.com"
        await #expect(throws: (any Error).self) {
            try await stores.inspection.commit(again, processedAt: EventFixtures.receivedAt)
        }
        let stored = try await stores.profiles.profile(userId: "u", tenant: tenant)
        #expect(stored?.email == "shared@example.com")
    }

    @Test(arguments: StoreBackend.allCases)
    func profilesRoundTripAndAreFoundByEveryKey(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(stores, [(.identify, "u1", "anon-1"), (.identify, "u2", nil), (.page, nil, "anon-9")])
        let result = try await processAll(stores)
        for profile in result.profiles {
            #expect(try await stores.profiles.profile(customerId: profile.customerId, tenant: tenant) == profile)
        }
        let u1 = try #require(try await stores.profiles.profile(userId: "u1", tenant: tenant))
        #expect(u1.anonymousIds == ["anon-1"])
        #expect(try await stores.profiles.profiles(email: "shared@example.com", tenant: tenant).count == 2)
        let found = try await stores.inspection.profiles(
            userIds: [IdentityKey(tenant, "u2")],
            anonymousIds: [IdentityKey(tenant, "anon-1"), IdentityKey(tenant, "anon-9"), IdentityKey(tenant, "nobody")]
        )
        #expect(found.count == 3)
        let otherBrand = Tenant(clientId: "c", accountId: "a", brandId: "b")
        #expect(try await stores.profiles.profile(userId: "u1", tenant: otherBrand) == nil)
        #expect(try await stores.profiles.profile(customerId: u1.customerId, tenant: otherBrand) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func aJoinMovesTheAnonymousHistory(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(stores, [(.identify, "u", nil), (.page, nil, "anon-1"), (.track, nil, "anon-1")])
        let first = try await processAll(stores)
        let anonymousId = try #require(first.outcomes[1].customerId)
        try await log(stores, [(.track, "u", "anon-1")])
        let second = try await processAll(stores)
        let customer = try #require(try await stores.profiles.profile(userId: "u", tenant: tenant))
        #expect(second.mergedCustomers == [anonymousId: customer.customerId])
        #expect(try await stores.profiles.profile(customerId: anonymousId, tenant: tenant) == nil)
        let timeline = try await stores.profiles.timeline(
            customerId: customer.customerId,
            tenant: tenant,
            from: 0,
            size: 10
        )
        #expect(timeline.count == 4)
        #expect(timeline.map(\.entry.event.eventTime) == timeline.map(\.entry.event.eventTime).sorted(by: >))
        #expect(timeline.allSatisfy { $0.customerId == customer.customerId && $0.status == .processed })
    }
}

extension ProfileStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func anAnonymousProfileCanJoinACustomerCreatedInTheSameBatch(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(stores, [(.page, nil, "anon-1")])
        _ = try await processAll(stores)
        try await log(stores, [(.track, "new-user", nil), (.identify, "new-user", "anon-1")])
        let result = try await processAll(stores)
        #expect(result.mergedCustomers.count == 1)
        let customer = try #require(try await stores.profiles.profile(userId: "new-user", tenant: tenant))
        #expect(customer.anonymousIds == ["anon-1"])
        let timeline = try await stores.profiles.timeline(
            customerId: customer.customerId,
            tenant: tenant,
            from: 0,
            size: 10
        )
        #expect(timeline.count == 3)
    }
}
