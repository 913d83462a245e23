import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// A statement the database refuses comes out of a store as `StorageError.database`, on both
/// backends: its description says what the database said, without the statement or its values;
/// `String(reflecting:)` (what the logs write) adds the statement and what an operator needs, but
/// not the values of the row at fault.
@Suite struct StorageErrorContractTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    @Test(arguments: StoreBackend.allCases)
    func aRefusedStatementComesOutAsADatabaseFailure(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, at: now)
        let thrown = await #expect(throws: StorageError.self) { try await stores.tokens.insert(token) }
        guard case .database(let failure)? = thrown else {
            Issue.record("not a database failure: \(String(describing: thrown))")
            return
        }
        // A unique key violated: SQLite's extended code, PostgreSQL's SQLSTATE.
        #expect(failure.code == (backend == .sqlite ? "2067" : "23505"))
        let description = String(describing: failure)
        #expect(description.contains(backend == .sqlite ? "SQLite failed: UNIQUE" : "PostgreSQL failed: duplicate key"))
        #expect(!description.contains("INSERT"))
        #expect(!description.contains(token.id))
        let logged = String(reflecting: thrown)
        #expect(logged.contains("INSERT INTO tokens"))
        // Not even the logs get the row at fault (PostgreSQL's DETAIL quotes the duplicate key).
        #expect(!logged.contains(token.id))
    }
}
