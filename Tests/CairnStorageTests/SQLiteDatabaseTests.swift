import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct SQLiteDatabaseTests {
    @Test func commitsAreDurableAndMigrationsNamed() async throws {
        let database = try SQLiteDatabase(path: TemporaryFiles.path(named: "db.sqlite"))
        #expect(try await database.synchronousLevel() == 2)
        #expect(
            try await database.appliedMigrations() == [
                "0001_tokens", "0002_event_log", "0003_profiles", "0004_segment", "0005_many_nodes",
                "0006_admin_and_assets", "0007_lookups", "0008_outbox", "0009_regulations",
            ]
        )
    }

    @Test func dataSurvivesReopening() async throws {
        let path = TemporaryFiles.path(named: "db.sqlite")
        let token: TokenRecord
        do {
            let stores = try await CairnStores.open(.sqlite(path: path))
            token = try await EventFixtures.token(in: stores, accountWide: true)
        }
        let reopened = try await CairnStores.open(.sqlite(path: path))
        #expect(try await reopened.tokens.token(id: token.id) == token)
    }

    @Test func anUnopenablePathIsAClearError() async {
        await #expect(throws: StorageError.self) {
            _ = try await CairnStores.open(.sqlite(path: "/proc/no-such-dir/cairn.sqlite"))
        }
    }
}

@Suite struct DatabaseLocationTests {
    @Test func readsSQLiteLocations() throws {
        #expect(try DatabaseLocation(parsing: "sqlite:cairn.sqlite") == .sqlite(path: "cairn.sqlite"))
        #expect(try DatabaseLocation(parsing: "sqlite:///tmp/x.db") == .sqlite(path: "/tmp/x.db"))
        #expect(try DatabaseLocation(parsing: "sqlite:/tmp/x.db") == .sqlite(path: "/tmp/x.db"))
    }

    @Test func readsPostgresLocationsAndNeverPrintsThePassword() throws {
        let parsed = try DatabaseLocation(parsing: "postgres://cairn:s%40cret@db.internal:6543/cairn_prod")
        let expected = PostgresLocation(
            host: "db.internal",
            port: 6543,
            username: "cairn",
            password: "s@cret",
            database: "cairn_prod"
        )
        #expect(parsed == .postgres(expected))
        #expect(parsed.description == "postgres://cairn@db.internal:6543/cairn_prod")
        let local = try DatabaseLocation(parsing: "postgresql://me@localhost/db?sslmode=disable")
        #expect(local == .postgres(PostgresLocation(host: "localhost", username: "me", database: "db", tls: .disable)))
        #expect(throws: StorageError.self) { try DatabaseLocation(parsing: "postgres://localhost/db") }
        #expect(throws: StorageError.self) { try DatabaseLocation(parsing: "postgres://me@localhost") }
        #expect(throws: StorageError.self) { try DatabaseLocation(parsing: "postgres://me@localhost/db?sslmode=maybe") }
    }

    @Test func refusesWhatItCannotOpen() {
        #expect(throws: StorageError.unsupportedDatabase("mysql")) { try DatabaseLocation(parsing: "mysql://h/db") }
        #expect(throws: StorageError.self) { try DatabaseLocation(parsing: "sqlite:") }
        #expect(throws: StorageError.self) { try DatabaseLocation(parsing: "cairn.sqlite") }
    }
}
