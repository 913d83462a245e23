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
