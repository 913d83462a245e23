public import CairnCore
import PostgresNIO

/// What became of claimed messages: attempts' outcomes and providers' receipts.
extension PostgresOutboxStore {
    public func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool] {
        guard !outcomes.isEmpty else { return [] }
        let logger = database.logger
        return try await database.transaction { connection in
            var saved: [Bool] = []
            for outcome in outcomes {
                let change = MessageChange(outcome.record, at: time)
                let (messageId, attempt) = (outcome.claim.messageId, outcome.claim.attempt)
                let rows = try await connection.query(
                    """
                    UPDATE messages SET status = \(change.status.rawValue),
                        next_attempt_at = coalesce(\(change.nextAttemptAt), next_attempt_at), lease_until = NULL,
                        provider_message_id = coalesce(\(change.providerMessageId), provider_message_id),
                        error_code = \(change.error?.code), error_message = \(change.error?.message),
                        sent_at = coalesce(\(change.sentAt), sent_at), updated_at = \(time.millisecondsSinceEpoch)
                    WHERE id = \(messageId) AND status = 'sending' AND attempts = \(attempt)
                    RETURNING id
                    """,
                    logger: logger
                ).collect()
                saved.append(rows.count == 1)
            }
            return saved
        }
    }

    public func receipt(
        messageId: String,
        delivered: Bool,
        error: MessageError?,
        at time: Timestamp
    ) async throws
        -> Bool
    {
        let allowed = delivered ? ["sent"] : ["sent", "delivered"]
        let status = delivered ? MessageStatus.delivered.rawValue : MessageStatus.failed.rawValue
        let rows = try await database.query(
            """
            UPDATE messages SET status = \(status), error_code = \(error?.code), error_message = \(error?.message),
                updated_at = \(time.millisecondsSinceEpoch)
            WHERE id = \(messageId) AND status = ANY(\(allowed))
            RETURNING id
            """
        )
        return rows.count == 1
    }
}
