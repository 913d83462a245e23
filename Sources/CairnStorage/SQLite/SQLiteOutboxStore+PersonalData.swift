public import CairnCore
import GRDB

/// The messages' part of a regulation in SQLite: those still waiting are failed when their
/// customer is suppressed, and erased ones keep no recipient or content.
extension SQLiteOutboxStore: PersonalDataStore {
    public var personalData: PersonalData { .messages }

    /// Erases the recipients and content of up to `limit` of the customers' messages (failing
    /// those not yet sent).
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        guard !customerIds.isEmpty else { return 0 }
        return try await database.write { db in
            try SQLiteErasure.eraseMessages(of: customerIds, limit: max(1, limit), at: time, db)
            return db.changesCount
        }
    }

    /// Fails the customers' messages still waiting to be sent.
    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? {
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

    /// Each customer's messages, oldest first, in one read transaction (`page` is not needed).
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
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
