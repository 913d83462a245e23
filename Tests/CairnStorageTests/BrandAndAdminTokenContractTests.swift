import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct BrandStoreContractTests {
    let time = EventFixtures.receivedAt

    @Test(arguments: StoreBackend.allCases)
    func brandsExistWithDefaultsUntilNamed(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let other = Tenant(clientId: "c", accountId: "a", brandId: "OTHER")
        try await stores.brands.ensure([EventFixtures.tenant, other], at: time)
        #expect(try await stores.brands.brand(other) == Brand.withDefaults(other, at: time))
        let later = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + 5)
        let named = try await stores.brands.save(other, name: "Other Hotels", timeZone: "Europe/London", at: later)
        #expect(named.name == "Other Hotels")
        #expect(named.timeZone == "Europe/London")
        #expect(named.createdAt == time)
        #expect(named.updatedAt == later)
        // Ensuring again leaves a named brand alone.
        try await stores.brands.ensure([other], at: later)
        #expect(try await stores.brands.brand(other)?.name == "Other Hotels")
        #expect(try await stores.brands.list().map(\.tenant.brandId) == ["B", "OTHER"])
        #expect(try await stores.brands.brand(Tenant(clientId: "c", accountId: "a", brandId: "none")) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func aNewBrandTokenMakesItsBrandExist(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let scope = TokenScope(clientId: "c", accountId: "a", brandId: "NEW")
        try await stores.insertToken(TokenRecord.issue(scope: scope, now: time).record)
        try await stores.insertToken(
            TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: nil), now: time).record
        )
        #expect(try await stores.brands.list().map(\.tenant.brandId) == ["NEW"])
    }
}

@Suite struct AdminTokenStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func adminTokensAreStoredAsHashesAndRevokedOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: EventFixtures.receivedAt)
        try await stores.adminTokens.insert(record)
        #expect(try await stores.adminTokens.token(id: record.id) == record)
        #expect(record.secretHash != Array(secret.text.utf8))
        #expect(secret.text.hasPrefix("cairn_admin_"))
        #expect(try await stores.adminTokens.list() == [record])
        #expect(try await stores.adminTokens.revoke(id: record.id, at: EventFixtures.receivedAt))
        #expect(try await !stores.adminTokens.revoke(id: record.id, at: EventFixtures.receivedAt))
        #expect(try await stores.adminTokens.token(id: record.id)?.isRevoked == true)
        // An API token's id is not an admin token's.
        let api = try await EventFixtures.token(in: stores)
        #expect(try await stores.adminTokens.token(id: api.id) == nil)
    }
}

@Suite struct BrandAdminTokenStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func anAdminTokenKeepsTheBrandItAdministers(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (scoped, _) = AdminTokenRecord.issue(name: nil, brand: EventFixtures.tenant, now: EventFixtures.receivedAt)
        let (global, _) = AdminTokenRecord.issue(name: "all", now: EventFixtures.receivedAt)
        try await stores.adminTokens.insert(scoped)
        try await stores.adminTokens.insert(global)
        #expect(try await stores.adminTokens.token(id: scoped.id)?.brand == EventFixtures.tenant)
        #expect(try await stores.adminTokens.token(id: global.id)?.brand == nil)
        #expect(Set(try await stores.adminTokens.list()) == [scoped, global])
    }
}
