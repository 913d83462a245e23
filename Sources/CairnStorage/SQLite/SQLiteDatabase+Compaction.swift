import GRDB

/// The rewrite of the file an erasure owes: SQLite leaves old copies of rows in the unused space
/// of the pages it rebuilds (rows grown by processing, pages split), which `secure_delete` never
/// zeroes. A finished erasure commits with the rewrite owed (`user_version`, in its own
/// transaction) and its regulation still `pending`, held by `awaitingCompaction`; once the file
/// is rewritten and the log that the rewrite went through is emptied into it, the regulation is
/// `done`. A rewrite a crash interrupted is made at the next open.
extension SQLiteDatabase {
    /// `user_version` while a rewrite is owed.
    static let compactionOwed = 1

    /// The lease holder of a regulation whose erasure is done but whose rewrite of the file is not.
    static let awaitingCompaction = "cairn-file-rewrite"

    /// Marks, in `db`'s transaction, that the file is to be rewritten once it commits.
    static func oweCompaction(_ db: Database) throws {
        try db.execute(sql: "PRAGMA user_version = \(compactionOwed)")
    }

    /// Rewrites the file (VACUUM: every page written afresh), then empties the write-ahead log
    /// into it, trying again while readers hold it (up to about 10 s); then the regulations that
    /// waited for it are done and nothing is owed. Writers wait meanwhile: the time it takes grows
    /// with the file. Returns false when the log could not be emptied (the rewrite stays owed).
    @discardableResult
    func compactAfterErasure() async throws -> Bool {
        try await pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        for _ in 0..<40 {
            let emptied = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            if emptied != nil {
                try await pool.write(Self.settle)
                await checkpoint()
                return true
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// The rewrite at open, before anything else reads or writes.
    static func compactAtOpen(_ db: Database) throws {
        try db.execute(sql: "VACUUM")
        try db.checkpoint(.truncate)
        try db.inTransaction {
            try settle(db)
            return .commit
        }
        try db.checkpoint(.truncate)
    }

    /// The regulations that waited for the rewrite are done, and none is owed.
    private static func settle(_ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE regulations SET status = 'done', lease_holder = NULL, lease_until = NULL
                WHERE status = 'pending' AND lease_holder = ?
                """,
            arguments: [awaitingCompaction]
        )
        try db.execute(sql: "PRAGMA user_version = 0")
    }
}
