import CairnCore
import CairnStorage
import Foundation
import Testing

/// Group and alias calls through a real store: what one batch stores, the next one finds.
@Suite struct GroupAliasContractTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")

    struct Call {
        var action: EventAction
        var userId: String?
        var groupId: String?
        var previousId: String?
        var body: JSONValue = [:]
    }

    func log(_ stores: CairnStores, _ calls: [Call]) async throws {
        let (token, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: "B"), now: .now())
        try await stores.tokens.insert(token)
        let entries = calls.enumerated().map { offset, call in
            let time = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(offset))
            var body = call.body.objectValue ?? [:]
            if let userId = call.userId { body["userId"] = .string(userId) }
            return EventLogEntry(
                id: EventID.make(at: time),
                tenant: tenant,
                tokenId: token.id,
                event: ValidatedEvent(
                    action: call.action,
                    eventName: call.action == .track ? "e" : nil,
                    userId: call.userId,
                    anonymousId: nil,
                    originalTimestamp: nil,
                    eventTime: time,
                    command: nil,
                    groupId: call.groupId,
                    previousId: call.previousId
                ),
                receivedAt: time,
                body: JSONValue.object(body).encoded()
            )
        }
        try await stores.eventLog.append(entries)
    }

    /// Processes every waiting event (a batch holds one partition's events on PostgreSQL).
    func processPending(_ stores: CairnStores) async throws {
        while try await stores.profiles.processPending(
            limit: 1000,
            apply: { events, snapshot in
                ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
            }
        ) > 0 {}
    }

    @Test(arguments: StoreBackend.allCases)
    func groupsAndMembershipAreStored(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await log(
            stores,
            [
                Call(action: .group, userId: "u", groupId: "acme", body: ["traits": ["name": "Acme", "plan": "free"]]),
                Call(action: .group, groupId: "solo", body: ["traits": ["name": "Solo"]]),
            ]
        )
        try await processPending(stores)
        try await log(stores, [Call(action: .group, userId: "u", groupId: "acme", body: ["traits": ["plan": "pro"]])])
        try await processPending(stores)
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
                Call(action: .identify, userId: "old-id", body: ["traits": ["email": "old@example.com"]]),
                Call(action: .group, userId: "old-id", groupId: "acme"),
                Call(action: .identify, userId: "new-id", body: ["traits": ["plan": "pro"]]),
            ]
        )
        try await processPending(stores)
        let before = try #require(try await stores.profiles.profile(userId: "old-id", tenant: tenant))
        try await log(stores, [Call(action: .alias, userId: "new-id", previousId: "old-id")])
        try await processPending(stores)

        #expect(try await stores.profiles.profile(userId: "old-id", tenant: tenant) == nil)
        #expect(try await stores.profiles.profile(customerId: before.customerId, tenant: tenant) == nil)
        let merged = try #require(try await stores.profiles.profile(userId: "new-id", tenant: tenant))
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
        try await processPending(stores)
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
