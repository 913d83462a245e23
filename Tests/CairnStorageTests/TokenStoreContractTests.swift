import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct TokenStoreContractTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    @Test(arguments: StoreBackend.allCases)
    func storesAndReadsTokens(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let brand = try await EventFixtures.token(in: stores, at: now)
        let account = try await EventFixtures.token(
            in: stores,
            accountWide: true,
            rate: 2.5,
            burst: 7,
            at: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
        )
        #expect(try await stores.tokens.token(id: brand.id) == brand)
        #expect(try await stores.tokens.token(id: account.id) == account)
        #expect(try await stores.tokens.token(id: "0000000000000000") == nil)
        #expect(try await stores.tokens.list() == [brand, account])
    }

    @Test(arguments: StoreBackend.allCases)
    func revokesOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, accountWide: true, at: now)
        let later = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 5000)
        #expect(try await stores.tokens.revoke(id: token.id, at: later))
        #expect(try await stores.tokens.token(id: token.id)?.revokedAt == later)
        #expect(try await !stores.tokens.revoke(id: token.id, at: later))
        #expect(try await !stores.tokens.revoke(id: "nope", at: later))
    }

    @Test(arguments: StoreBackend.allCases)
    func refusesTwoTokensWithOneHash(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        var token = try await EventFixtures.token(in: stores, accountWide: true, at: now)
        token.id = "ffffffffffffffff"
        await #expect(throws: (any Error).self) { try await stores.tokens.insert(token) }
    }
}
