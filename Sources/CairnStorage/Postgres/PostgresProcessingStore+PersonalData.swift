public import CairnCore
import PostgresNIO

/// The profiles' part of a regulation in PostgreSQL: deleted last, with whatever the processor
/// linked to them since the earlier steps.
extension PostgresProcessingStore: PersonalDataStore {
    public var personalData: PersonalData { .profiles }

    /// Deletes the customers' profiles, their ids and group memberships, all at once, in one
    /// transaction: the customers' rows are locked first (a processor batch changing them
    /// commits before, or finds them gone and is retried), what the processor linked to them
    /// since the earlier steps is erased, then the profiles go. Returns how many profiles.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let ids = subject.customerIds
        guard !ids.isEmpty else { return 0 }
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT id FROM customers WHERE id = ANY(\(ids)) FOR UPDATE", logger: logger)
            try await connection.query(
                """
                WITH target AS (SELECT seq FROM events WHERE customer_id = ANY(\(ids))),
                \(unescaped: PostgresErasure.forgetTargetMessageIds)
                UPDATE events SET \(unescaped: PostgresErasure.erasedEvent) WHERE seq IN (SELECT seq FROM target)
                """,
                logger: logger
            )
            // Their journeys first (the steps they took go by cascade): no step can queue a message
            // for them after their messages are erased.
            try await connection.query("DELETE FROM journey_instances WHERE customer_id = ANY(\(ids))", logger: logger)
            _ = try await PostgresErasure.eraseMessages(of: ids, at: time, on: connection, logger: logger)
            try await connection.query("DELETE FROM customer_aliases WHERE customer_id = ANY(\(ids))", logger: logger)
            return try await connection.query(
                "DELETE FROM customers WHERE id = ANY(\(ids)) RETURNING id",
                logger: logger
            )
            .collect().count
        }
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Nothing: the profiles head the export, found by `ProfileReader.customers(of:tenant:)`.
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] { [:] }
}
