public import CairnCore
import PostgresNIO

/// The messages' part of a regulation in PostgreSQL: those still waiting are failed when their
/// customer is suppressed, and erased ones keep no recipient or content.
extension PostgresOutboxStore: PersonalDataStore {
    public var personalData: PersonalData { .messages }

    /// Erases the recipients and content of up to `limit` of the customers' messages (failing
    /// those not yet sent).
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        guard !customerIds.isEmpty else { return 0 }
        return try await database.withConnection { connection in
            try await PostgresErasure.eraseMessages(
                of: customerIds,
                limit: max(1, limit),
                at: time,
                on: connection,
                logger: database.logger
            )
        }
    }

    /// Fails the customers' messages still waiting to be sent, `page` at a time.
    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? {
        let (customerIds, error) = (subject.customerIds, ErasedRows.customerSuppressed)
        guard !customerIds.isEmpty else { return 0 }
        var cancelled = 0
        while true {
            // Until a page finds none: a row the dispatcher took meanwhile leaves a page short.
            let changed = try await database.query(
                """
                UPDATE messages SET status = 'failed', error_code = \(error.code), error_message = \(error.message),
                    lease_until = NULL, updated_at = \(time.millisecondsSinceEpoch)
                WHERE id IN (SELECT id FROM messages WHERE customer_id = ANY(\(customerIds)) AND status = 'queued'
                        LIMIT \(max(1, page)))
                    AND status = 'queued'
                RETURNING id
                """
            ).count
            cancelled += changed
            if changed == 0 { return cancelled }
        }
    }

    /// Each customer's messages, oldest first, read `page` at a time (from the customers' index,
    /// each page after the last one's time and id).
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
        let size = max(1, page)
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            var messages: [JSONValue] = []
            var after = (time: Int64.min, id: "")
            while true {
                let rows = try await database.query(
                    """
                    SELECT \(unescaped: PostgresMessageRows.columns) FROM messages
                    WHERE customer_id = \(id) AND (created_at, id) > (\(after.time), \(after.id))
                    ORDER BY created_at, id LIMIT \(size)
                    """
                ).map(PostgresMessageRows.decode)
                messages += rows.map(\.exported)
                guard rows.count == size, let last = rows.last else { break }
                after = (last.createdAt.millisecondsSinceEpoch, last.messageId)
            }
            if !messages.isEmpty { exported[id] = messages }
        }
        return exported
    }
}
