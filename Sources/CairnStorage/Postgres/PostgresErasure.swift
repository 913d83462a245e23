import CairnCore
import Logging
import PostgresNIO

/// The SQL of erasing in PostgreSQL that more than one store runs: the profiles' deletion erases,
/// in its own transaction, the events and messages linked to the customers since their own steps.
enum PostgresErasure {
    /// What an erased event keeps (see `ErasedRows.eventAssignments`).
    static let erasedEvent = ErasedRows.eventAssignments(emptyBody: "'\\x7b7d'::bytea")

    /// The common table expression that forgets the messageIds of the events a `target` CTE
    /// (`seq`) names, for `WITH target AS (…), \(forgetTargetMessageIds) UPDATE events …`: the
    /// de-duplication window would keep them otherwise.
    static let forgetTargetMessageIds = """
        forgot AS (DELETE FROM message_ids m USING events e, target t
            WHERE e.seq = t.seq AND m.token_id = e.token_id AND m.message_id = e.message_id)
        """

    /// Erases the customers' messages' recipients and content, failing those not yet sent: up to
    /// `limit` of them (nil: all); returns how many.
    static func eraseMessages(
        of customerIds: [String],
        limit: Int? = nil,
        at time: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let (deleted, erased) = (ErasedRows.customerDeleted, ErasedRows.recipient)
        return try await connection.query(
            """
            UPDATE messages SET recipient = \(erased), content = '\\x7b7d'::bytea, user_id = NULL,
                error_code = CASE WHEN status IN ('queued', 'sending') THEN \(deleted.code) ELSE error_code END,
                error_message = CASE WHEN status IN ('queued', 'sending') THEN \(deleted.message) ELSE NULL END,
                status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
                lease_until = NULL, updated_at = \(time.millisecondsSinceEpoch)
            WHERE id IN (SELECT id FROM messages WHERE customer_id = ANY(\(customerIds)) AND recipient <> \(erased)
                LIMIT \(limit))
            RETURNING id
            """,
            logger: logger
        ).collect().count
    }
}
