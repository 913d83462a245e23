import CairnCore
import CairnTestFixtures
import PostgresNIO
import Testing

@testable import CairnStorage

@Suite(.enabled(if: TestPostgres.server != nil || TestPostgres.required, "CAIRN_TEST_POSTGRES is not set"))
struct PostgresDatabaseTests {
    @Test func connectionsCarryTheConfiguredTimeouts() async throws {
        let location = try await TestPostgres.freshDatabase()
        let database = PostgresDatabase(
            location,
            settings: ConnectionSettings(poolSize: 2, statementTimeout: .seconds(7))
        )
        try await database.whileRunning {
            let timeout = try await database.query("SHOW statement_timeout").first?.decode(String.self)
            let idle = try await database.query("SHOW idle_in_transaction_session_timeout").first?.decode(String.self)
            #expect(timeout == "7s")
            #expect(idle == "7s")
            // A statement over the limit is cancelled by the server.
            await #expect(throws: (any Error).self) {
                try await database.query("SELECT pg_sleep(8)")
            }
        }
    }

    /// PostgresNIO's errors describe themselves as their code alone: what the server said comes
    /// out in a `StorageError`, whose description keeps the statement's values and the
    /// credentials out and whose detail (for the logs) holds the rest.
    @Test func whatTheServerRefusesComesOutWithItsMessage() async throws {
        let location = try await TestPostgres.freshDatabase()
        let database = PostgresDatabase(location)
        try await database.whileRunning {
            let thrown = await #expect(throws: StorageError.self) {
                try await database.query("SELECT * FROM no_such_table WHERE id = \("secret-value")")
            }
            guard case .database(let failure)? = thrown else {
                Issue.record("not a database failure: \(String(describing: thrown))")
                return
            }
            #expect(failure.code == "42P01")
            #expect(failure.summary.contains("no_such_table"))
            #expect(failure.detail.contains("42P01"))
            let description = String(describing: thrown)
            #expect(description.contains("no_such_table"))
            #expect(!description.contains("secret-value"))
            if let password = location.password { #expect(!description.contains(password)) }
            #expect(!String(reflecting: thrown).contains("secret-value"))
        }
    }

    @Test func migrationsAreNamedAsOnSQLiteAndRunOnce() async throws {
        let location = try await TestPostgres.freshDatabase()
        // Two nodes starting together migrate once.
        async let first: Void = PostgresDatabase.migrate(location)
        async let second: Void = PostgresDatabase.migrate(location)
        _ = try await (first, second)
        let database = PostgresDatabase(location)
        #expect(
            try await database.whileRunning { try await database.appliedMigrations() } == [
                "0001_tokens", "0002_event_log", "0003_profiles", "0004_segment", "0005_many_nodes",
                "0006_admin_and_assets", "0007_lookups", "0008_outbox", "0009_regulations", "0010_outbox_lanes",
                "0011_message_receipts", "0012_regulation_failures", "0013_admin_token_brands", "0014_export_parts",
                "0015_devices", "0016_push_keys", "0017_journeys", "0018_journey_instances", "0019_journey_signals",
            ]
        )
    }
}

@Suite struct PostgresBrandBackfillTests {
    @Test(.enabled(if: TestPostgres.server != nil || TestPostgres.required))
    func theUpgradeCreatesTheBrandsThatTokensAndEventsNamed() async throws {
        let stores = try await StoreBackend.postgres.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let other = Tenant(clientId: "c", accountId: "a", brandId: "FROM_EVENTS")
        try await stores.eventLog.append([EventFixtures.entry(token: token, tenant: other, name: "e", userId: "u")])
        let database = try #require(stores.services.first as? CairnStorage.PostgresDatabase)
        // As before migration 0006: no brands yet. Then its backfill, as the upgrade runs it.
        try await database.query("DELETE FROM brands")
        let backfill = try #require(PostgresMigrations.all.first { $0.name == "0006_admin_and_assets" }?.sql.last)
        try await database.query(PostgresQuery(unsafeSQL: backfill))
        #expect(try await stores.brands.list().map(\.tenant) == [EventFixtures.tenant, other])
    }
}
