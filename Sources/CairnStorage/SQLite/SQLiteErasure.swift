import CairnCore
import GRDB

/// The SQL of erasing in SQLite that more than one store runs: the profiles' deletion erases, in
/// its own transaction, the events and messages linked to the customers since their own steps.
enum SQLiteErasure {
    /// What an erased event keeps (see `ErasedRows.eventAssignments`).
    static let erasedEvent = ErasedRows.eventAssignments(emptyBody: "X'7B7D'")

    /// Erases a customer's messages' recipients and content, failing those not yet sent.
    static func eraseMessages(of customerId: String, at time: Timestamp, _ db: Database) throws {
        try eraseMessages(of: [customerId], limit: -1, at: time, db)
    }

    /// Erases up to `limit` (negative: all) of the customers' messages' recipients and content,
    /// failing those not yet sent.
    static func eraseMessages(of customerIds: [String], limit: Int, at time: Timestamp, _ db: Database) throws {
        let deleted = ErasedRows.customerDeleted
        let list = Array(repeating: "?", count: customerIds.count).joined(separator: ", ")
        try db.execute(
            sql: """
                UPDATE messages SET recipient = ?, content = X'7B7D', user_id = NULL,
                    error_code = CASE WHEN status IN ('queued', 'sending') THEN ? ELSE error_code END,
                    error_message = CASE WHEN status IN ('queued', 'sending') THEN ? ELSE NULL END,
                    status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
                    lease_until = NULL, updated_at = ?
                WHERE id IN (SELECT id FROM messages WHERE customer_id IN (\(list)) AND recipient <> ? LIMIT ?)
                """,
            arguments: [ErasedRows.recipient, deleted.code, deleted.message, time.millisecondsSinceEpoch]
                + StatementArguments(customerIds) + [ErasedRows.recipient, limit]
        )
    }

    /// Runs `change` for each customer in one transaction; returns the rows it changed.
    static func eachCustomer(
        _ ids: [String],
        in database: SQLiteDatabase,
        _ change: @escaping @Sendable (Database, String) throws -> Void
    ) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.write { db in
            var changed = 0
            for id in ids {
                try change(db, id)
                changed += db.changesCount
            }
            return changed
        }
    }
}
