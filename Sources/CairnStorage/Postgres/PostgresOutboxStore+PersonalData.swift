public import CairnCore
import PostgresNIO

/// The messages' part of a regulation in PostgreSQL: those still waiting are failed when their
/// customer is suppressed, and erased ones keep no recipient or content.
extension PostgresOutboxStore: PersonalDataStore {
    public var personalData: PersonalData { .messages }

    /// Erases the customers' messages' recipients and content (failing those not yet sent), all
    /// at once.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        guard !customerIds.isEmpty else { return 0 }
        return try await database.transaction { connection in
            try await PostgresErasure.eraseMessages(of: customerIds, at: time, on: connection, logger: database.logger)
        }
    }

    /// Fails the customers' messages still waiting to be sent.
    public func cancelWaiting(_ subject: DataSubject, at time: Timestamp) async throws -> Int? {
        let (customerIds, error) = (subject.customerIds, ErasedRows.customerSuppressed)
        guard !customerIds.isEmpty else { return 0 }
        return try await database.query(
            """
            UPDATE messages SET status = 'failed', error_code = \(error.code), error_message = \(error.message),
                lease_until = NULL, updated_at = \(time.millisecondsSinceEpoch)
            WHERE customer_id = ANY(\(customerIds)) AND status = 'queued'
            RETURNING id
            """
        ).count
    }

    /// Each customer's messages, oldest first.
    public func export(_ subject: DataSubject) async throws -> [String: [JSONValue]] {
        guard !subject.customerIds.isEmpty else { return [:] }
        let messages = try await database.query(
            """
            SELECT \(unescaped: PostgresMessageRows.columns) FROM messages
            WHERE customer_id = ANY(\(subject.customerIds)) ORDER BY created_at, id
            """
        ).map(PostgresMessageRows.decode)
        return Dictionary(grouping: messages, by: \.customerId).mapValues { $0.map(\.exported) }
    }
}
