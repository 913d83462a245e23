public import CairnCore
import GRDB

/// The messages' part of a regulation in SQLite: those still waiting are failed when their
/// customer is suppressed, and erased ones keep no recipient or content.
extension SQLiteOutboxStore: PersonalDataStore {
    public var personalData: PersonalData { .messages }

    /// Erases the customers' messages' recipients and content (failing those not yet sent), all
    /// at once.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        try await SQLiteErasure.eachCustomer(subject.customerIds, in: database) { db, id in
            try SQLiteErasure.eraseMessages(of: id, at: time, db)
        }
    }

    /// Fails the customers' messages still waiting to be sent.
    public func cancelWaiting(_ subject: DataSubject, at time: Timestamp) async throws -> Int? {
        let error = ErasedRows.customerSuppressed
        return try await SQLiteErasure.eachCustomer(subject.customerIds, in: database) { db, id in
            try db.execute(
                sql: """
                    UPDATE messages SET status = 'failed', error_code = ?, error_message = ?, lease_until = NULL,
                        updated_at = ?
                    WHERE customer_id = ? AND status = 'queued'
                    """,
                arguments: [error.code, error.message, time.millisecondsSinceEpoch, id]
            )
        }
    }

    /// Each customer's messages, oldest first.
    public func export(_ subject: DataSubject) async throws -> [String: [JSONValue]] {
        try await database.read { db in
            var exported: [String: [JSONValue]] = [:]
            for id in subject.customerIds {
                exported[id] = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(SQLiteMessageRows.columns) FROM messages WHERE customer_id = ? ORDER BY created_at, id",
                    arguments: [id]
                ).map { try SQLiteMessageRows.decode($0).exported }
            }
            return exported
        }
    }
}
