import GRDB

/// Reads and writes of the stores, throwing GRDB's errors as `StorageError.database`: a
/// `DatabaseError` describes itself with its statement, which a description must not show.
extension SQLiteDatabase {
    /// Reads in a snapshot of the file.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw Self.storageError(error)
        }
    }

    /// Writes in one transaction.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw Self.storageError(error)
        }
    }

    /// Writes in one transaction whose commit does not wait for the disk (`synchronous = NORMAL`
    /// for it alone): it survives the process crashing, not the machine losing power. Only for
    /// writes that may be lost that way: an outbox claim, whose messages would go back to the
    /// queue (sent at least once, as after any crash mid-send).
    /// It runs in a task of its own, which the caller's cancellation does not reach: GRDB fails
    /// every statement of a cancelled task but a rollback, and the pragma that makes later
    /// writes durable again must run.
    func writeWithoutSync<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Task { try await self.unsyncedWrite(updates) }.value
    }

    private func unsyncedWrite<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            let result = Result { () throws -> T in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try updates(db)
                    return .commit
                }
                guard let value else { throw DatabaseError(resultCode: .SQLITE_INTERNAL) }
                return value
            }
            // Every other write stays durable.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try result.get()
        }
    }

    /// Writes outside a transaction (pragmas, checkpoints).
    func writeWithoutTransaction<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction(updates)
        } catch {
            throw Self.storageError(error)
        }
    }

    /// `error` as `StorageError.database` when it is SQLite's; any other error as it is.
    static func storageError(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        return StorageError.database(
            DatabaseFailure(
                backend: .sqlite,
                code: "\(error.extendedResultCode.rawValue)",
                summary: error.message ?? "SQLite error \(error.resultCode.rawValue)",
                detail: String(reflecting: error)
            )
        )
    }
}
