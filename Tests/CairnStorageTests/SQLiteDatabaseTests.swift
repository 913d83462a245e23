import CairnCore
import CairnTestFixtures
import Dispatch
import Foundation
import GRDB
import Testing

@testable import CairnStorage

@Suite struct SQLiteDatabaseTests {
    @Test func commitsAreDurableAndMigrationsNamed() async throws {
        let database = try SQLiteDatabase(path: TemporaryFiles.path(named: "db.sqlite"))
        #expect(try await database.synchronousLevel() == 2)
        #expect(
            try await database.appliedMigrations() == [
                "0001_tokens", "0002_event_log", "0003_profiles", "0004_segment", "0005_many_nodes",
                "0006_admin_and_assets", "0007_lookups", "0008_outbox", "0009_regulations", "0010_outbox_lanes",
                "0011_message_receipts", "0012_regulation_failures", "0013_admin_token_brands", "0014_export_parts",
                "0015_devices", "0016_push_keys", "0017_journeys", "0018_journey_instances", "0019_journey_signals",
            ]
        )
    }

    /// Rows grown in place leave old copies in the unused space of the pages SQLite rebuilds,
    /// which `secure_delete` never zeroes; an erasure owes the file a rewrite, and one a crash
    /// left owing is made up for when the file is next opened.
    @Test func aCompactionOwedIsMadeUpForAtTheNextOpen() async throws {
        let path = TemporaryFiles.path(named: "owed.sqlite")
        let marker = "owed-marker-61d2"
        func copies() throws -> Int {
            let bytes = try #require(FileManager.default.contents(atPath: path))
            var (count, start) = (0, bytes.startIndex)
            while let range = bytes.range(of: Data(marker.utf8), in: start..<bytes.endIndex) {
                count += 1
                start = range.upperBound
            }
            return count
        }
        do {
            let database = try SQLiteDatabase(path: path)
            try await database.write { db in
                try db.execute(sql: "CREATE TABLE grown (id INTEGER PRIMARY KEY, body TEXT, more TEXT)")
                for id in 0..<3000 {
                    try db.execute(
                        sql: "INSERT INTO grown (id, body) VALUES (?, ?)",
                        arguments: [id, id % 3 == 0 ? marker : "other-\(id)"]
                    )
                }
            }
            try await database.write { db in
                try db.execute(sql: "UPDATE grown SET more = printf('%.*c', 40 + id % 200, 'x')")
            }
            try await database.write { db in
                try db.execute(sql: "UPDATE grown SET body = 'erased' WHERE body = ?", arguments: [marker])
                try SQLiteDatabase.oweCompaction(db)
            }
            await database.checkpoint()
            #expect(try copies() > 0, "old copies in rebuilt pages: what the rewrite is for")
            try database.pool.close()
        }
        // "Crashed" before the rewrite: the next open makes it up.
        let reopened = try SQLiteDatabase(path: path)
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 0)
        await reopened.checkpoint()
        #expect(try copies() == 0)
    }

    @Test func anOutboxClaimCommitsWithoutSyncAndLeavesEveryOtherWriteDurable() async throws {
        let database = try SQLiteDatabase(path: TemporaryFiles.path(named: "db.sqlite"))
        let outbox = SQLiteOutboxStore(database: database)
        #expect(try await database.writeWithoutSync { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        _ = try await outbox.claim(OutboxClaim(limit: 1, now: EventFixtures.receivedAt, lease: .seconds(1)))
        #expect(try await database.synchronousLevel() == 2)
        await #expect(throws: (any Error).self) {
            try await database.writeWithoutSync { db in try db.execute(sql: "SELECT * FROM no_such_table") }
        }
        #expect(try await database.synchronousLevel() == 2, "a failed claim leaves it durable too")
    }

    @Test func aCancelledClaimLeavesEveryOtherWriteDurable() async throws {
        let database = try SQLiteDatabase(path: TemporaryFiles.path(named: "db.sqlite"))
        let started = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        let claim = Task {
            try await database.writeWithoutSync { db in
                started.continuation.yield()
                // The claim's transaction is open when its task is cancelled (GRDB then fails
                // every statement of that task but rollbacks).
                release.wait()
                return try Int.fetchOne(db, sql: "SELECT 1")
            }
        }
        var waits = started.stream.makeAsyncIterator()
        _ = await waits.next()
        claim.cancel()
        release.signal()
        _ = try? await claim.value
        #expect(try await database.synchronousLevel() == 2)
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
