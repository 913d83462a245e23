import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Group and alias calls through a real store: what one batch stores, the next one finds.
@Suite struct GroupAliasContractTests {
    let tenant = EventFixtures.tenant

    struct Call {
        var action: EventAction
        var userId: String?
        var groupId: String?
        var previousId: String?
        var traits: JSONValue?
    }

    /// Logs `calls` with a new token, one millisecond apart.
    func log(_ stores: CairnStores, _ calls: [Call]) async throws {
        let token = try await EventFixtures.token(in: stores)
        let entries = calls.enumerated().map { offset, call in
            let time = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(offset))
            return EventFixtures.entry(
                call.action,
                token: token,
                name: call.action == .track ? "e" : nil,
                userId: call.userId,
                groupId: call.groupId,
                previousId: call.previousId,
                traits: call.traits,
                receivedAt: time
            )
        }
        try await stores.eventLog.append(entries)
    }

    @Test(arguments: StoreBackend.allCases)
    func groupsAndMembershipAreStored(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(
            stores,
            [
                Call(action: .group, userId: "u", groupId: "acme", traits: ["name": "Acme", "plan": "free"]),
                Call(action: .group, groupId: "solo", traits: ["name": "Solo"]),
            ]
        )
        try await EventFixtures.processAll(stores)
        try await log(stores, [Call(action: .group, userId: "u", groupId: "acme", traits: ["plan": "pro"])])
        try await EventFixtures.processAll(stores)
        let acme = try #require(try await stores.profiles.group(groupId: "acme", tenant: tenant))
        #expect(acme.traits == ["name": "Acme", "plan": "pro"])
        #expect(try await stores.profiles.group(groupId: "solo", tenant: tenant)?.traits == ["name": "Solo"])
        #expect(try await stores.profiles.group(groupId: "nobody", tenant: tenant) == nil)
        let otherBrand = Tenant(clientId: "c", accountId: "a", brandId: "OTHER")
        #expect(try await stores.profiles.group(groupId: "acme", tenant: otherBrand) == nil)
        #expect(try await stores.profiles.profile(userId: "u", tenant: tenant)?.groupIds == ["acme"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aliasMergesStoredCustomersAndTheOldIdStillFindsThem(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(
            stores,
            [
                Call(action: .identify, userId: "old-id", traits: ["email": "old@example.com"]),
                Call(action: .group, userId: "old-id", groupId: "acme"),
                Call(action: .identify, userId: "new-id", traits: ["plan": "pro"]),
            ]
        )
        try await EventFixtures.processAll(stores)
        let before = try #require(try await stores.profiles.profile(userId: "old-id", tenant: tenant))
        try await log(stores, [Call(action: .alias, userId: "new-id", previousId: "old-id")])
        try await EventFixtures.processAll(stores)

        #expect(try await stores.profiles.profile(customerId: before.customerId, tenant: tenant) == nil)
        let merged = try #require(try await stores.profiles.profile(userId: "new-id", tenant: tenant))
        // The old id finds the customer it was merged into, as events under it do.
        #expect(try await stores.profiles.profile(userId: "old-id", tenant: tenant)?.customerId == merged.customerId)
        #expect(merged.anonymousIds == ["old-id"])
        #expect(merged.groupIds == ["acme"])
        #expect(merged.traits["email"] == "old@example.com")
        #expect(merged.traits["plan"] == "pro")
        #expect(
            try await stores.profiles.timeline(customerId: merged.customerId, tenant: tenant, from: 0, size: 10).count
                == 4
        )

        // A later batch with the old userId lands on the merged customer.
        try await log(stores, [Call(action: .track, userId: "old-id")])
        try await EventFixtures.processAll(stores)
        let timeline = try await stores.profiles.timeline(
            customerId: merged.customerId,
            tenant: tenant,
            from: 0,
            size: 10
        )
        #expect(timeline.count == 5)
        #expect(timeline.allSatisfy { $0.status == .processed })
    }
}
