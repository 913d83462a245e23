import CairnCore
import GRDB

/// The SQL of erasing in SQLite that more than one store runs: the profiles' deletion erases, in
/// its own transaction, the events and messages linked to the customers since their own steps.
enum SQLiteErasure {
    /// What an erased event keeps (see `ErasedRows.eventAssignments`).
    static let erasedEvent = ErasedRows.eventAssignments(emptyBody: "X'7B7D'")

    /// Erases the events `seqs` names, and forgets their messageIds (the de-duplication window
    /// would keep them otherwise). Returns how many events changed.
    @discardableResult
    static func eraseEvents(_ seqs: [Int64], _ db: Database) throws -> Int {
        guard !seqs.isEmpty else { return 0 }
        let list = Array(repeating: "?", count: seqs.count).joined(separator: ", ")
        try db.execute(
            sql: """
                DELETE FROM message_ids WHERE (token_id, message_id) IN
                    (SELECT token_id, message_id FROM events WHERE seq IN (\(list)) AND message_id IS NOT NULL)
                """,
            arguments: StatementArguments(seqs)
        )
        try db.execute(
            sql: "UPDATE events SET \(erasedEvent) WHERE seq IN (\(list))",
            arguments: StatementArguments(seqs)
        )
        return db.changesCount
    }

    /// Erases every event linked to a customer.
    @discardableResult
    static func eraseEvents(ofCustomer customerId: String, _ db: Database) throws -> Int {
        let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM events WHERE customer_id = ?", arguments: [customerId])
        var erased = 0
        for start in stride(from: 0, to: seqs.count, by: 500) {
            erased += try eraseEvents(Array(seqs[start..<min(start + 500, seqs.count)]), db)
        }
        return erased
    }

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
