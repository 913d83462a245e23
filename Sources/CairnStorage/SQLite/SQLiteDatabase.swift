import GRDB

/// One SQLite file in WAL mode, opened and migrated. Commits are durable (`synchronous = FULL`):
/// each transaction is on disk before it returns. What is deleted or overwritten is zeroed in
/// the file (`secure_delete`, on every connection). That is not enough for an erasure: when
/// SQLite rebuilds a page (rows grown by processing, pages split), the rows' old copies stay in
/// the unused part of the page, which nothing zeroes. So a finished erasure rewrites the file
/// (`compactAfterErasure`, in SQLiteDatabase+Compaction.swift); one a crash interrupted is owed,
/// marked in the file's header, and made up for at the next open.
public final class SQLiteDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    public init(path: String, busyTimeoutSeconds: Double = 5) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.label = "cairn"
        // Every connection, readers and any reopened writer too, whatever the library's default.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // WAL setup sets synchronous = NORMAL on the writer; durability needs FULL.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try SQLiteMigrations.migrator.migrate(pool)
            let owed = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            if owed == Self.compactionOwed { try pool.writeWithoutTransaction(Self.compactAtOpen) }
        } catch let error as DatabaseError {
            throw StorageError.cannotOpen(path: path, reason: error.message ?? "SQLite error \(error.resultCode)")
        }
        self.path = path
    }

    /// The writer connection's `PRAGMA synchronous` level (2 is FULL).
    public func synchronousLevel() async throws -> Int {
        try await writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Copies every page of the write-ahead log into the file and empties the log (which still
    /// holds the pages as they were before the latest changes). Best effort: a reader holding an
    /// old snapshot keeps the log's pages until it is done.
    func checkpoint() async {
        _ = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }
}

extension SQLiteDatabase: DatabaseProbe {
    public func ping(timeout: Duration) async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
