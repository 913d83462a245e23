import CairnCore
import CairnStorage
import Testing

@Suite struct TokenStoreContractTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    @Test(arguments: StoreBackend.allCases)
    func storesAndReadsTokens(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (brand, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: "B"), now: now)
        let (account, _) = TokenRecord.issue(
            scope: .init(clientId: "c", accountId: "a", brandId: nil),
            rate: 2.5,
            burst: 7,
            now: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
        )
        try await stores.tokens.insert(brand)
        try await stores.tokens.insert(account)
        #expect(try await stores.tokens.token(id: brand.id) == brand)
        #expect(try await stores.tokens.token(id: account.id) == account)
        #expect(try await stores.tokens.token(id: "0000000000000000") == nil)
        #expect(try await stores.tokens.list() == [brand, account])
    }

    @Test(arguments: StoreBackend.allCases)
    func revokesOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (token, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: nil), now: now)
        try await stores.tokens.insert(token)
        let later = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 5000)
        #expect(try await stores.tokens.revoke(id: token.id, at: later))
        #expect(try await stores.tokens.token(id: token.id)?.revokedAt == later)
        #expect(try await !stores.tokens.revoke(id: token.id, at: later))
        #expect(try await !stores.tokens.revoke(id: "nope", at: later))
    }

    @Test(arguments: StoreBackend.allCases)
    func refusesTwoTokensWithOneHash(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        var (token, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: nil), now: now)
        try await stores.tokens.insert(token)
        token.id = "ffffffffffffffff"
        await #expect(throws: (any Error).self) { try await stores.tokens.insert(token) }
    }
}
