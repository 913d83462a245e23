import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct EventLogContractTests {
    let tenant = EventFixtures.tenant

    /// The same track event each time (a new id), its body exactly as given: with a non-ASCII
    /// character, to be read back byte for byte.
    func entry(_ token: TokenRecord, name: String = "Product Added") -> EventLogEntry {
        EventFixtures.entry(
            token: token,
            name: name,
            userId: "ABC/123",
            anonymousId: "anon-1",
            originalTimestamp: "2019-11-28T14:31:58.596Z",
            body: Array(#"{"userId":"ABC/123","event":"\#(name)","price":"£11.99"}"#.utf8)
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func appendedEventsReadBackAccepted(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, accountWide: true)
        let entries = (0..<50).map { entry(token, name: "e\($0)") }
        try await stores.eventLog.append(entries)
        for entry in entries {
            let stored = try #require(try await stores.eventLog.event(id: entry.id, tenant: tenant))
            #expect(stored.entry == entry)
            #expect(stored.status == .accepted)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anEventIsInvisibleToOtherTenants(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, accountWide: true)
        let entry = entry(token)
        try await stores.eventLog.append([entry])
        for other in [
            Tenant(clientId: "c", accountId: "a", brandId: "b"),
            Tenant(clientId: "c", accountId: "x", brandId: "B"),
            Tenant(clientId: "x", accountId: "a", brandId: "B"),
        ] {
            #expect(try await stores.eventLog.event(id: entry.id, tenant: other) == nil)
        }
        #expect(try await stores.eventLog.event(id: EventID.make(at: EventFixtures.receivedAt), tenant: tenant) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func aGroupIsStoredWholeOrNotAtAll(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, accountWide: true)
        let first = entry(token)
        try await stores.eventLog.append([first])
        let fresh = entry(token)
        // A repeated id violates uniqueness: the whole group, fresh entry included, must roll back.
        await #expect(throws: (any Error).self) { try await stores.eventLog.append([fresh, first]) }
        #expect(try await stores.eventLog.event(id: fresh.id, tenant: tenant) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsNeedAKnownToken(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        var ghost = try await EventFixtures.token(in: stores, accountWide: true)
        ghost.id = "0123456789abcdef"
        await #expect(throws: (any Error).self) { try await stores.eventLog.append([entry(ghost)]) }
    }

    @Test(arguments: StoreBackend.allCases)
    func aListCanLeaveTheBodiesUnread(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let entry = EventFixtures.entry(token: token, name: "e", userId: "u")
        try await stores.eventLog.append([entry])
        var query = EventQuery(tenant: EventFixtures.tenant)
        #expect(try await stores.eventLog.events(matching: query).first?.entry == entry)
        query.withBodies = false
        let listed = try #require(try await stores.eventLog.events(matching: query).first)
        #expect(listed.entry.body.isEmpty)
        #expect(listed.entry.id == entry.id)
        #expect(listed.entry.event == entry.event)
    }
}
