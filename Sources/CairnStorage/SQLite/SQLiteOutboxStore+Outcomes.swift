public import CairnCore
import GRDB

/// What became of claimed messages: attempts' outcomes and providers' receipts.
extension SQLiteOutboxStore {
    public func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool] {
        guard !outcomes.isEmpty else { return [] }
        return try await database.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE messages SET status = ?, next_attempt_at = coalesce(?, next_attempt_at), lease_until = NULL,
                        provider_message_id = coalesce(?, provider_message_id), error_code = ?, error_message = ?,
                        sent_at = coalesce(?, sent_at), updated_at = ?
                    WHERE id = ? AND status = 'sending' AND attempts = ?
                    """
            )
            return try outcomes.map { outcome in
                let change = MessageChange(outcome.record, at: time)
                try statement.execute(arguments: [
                    change.status.rawValue, change.nextAttemptAt, change.providerMessageId, change.error?.code,
                    change.error?.message, change.sentAt, time.millisecondsSinceEpoch, outcome.claim.messageId,
                    outcome.claim.attempt,
                ])
                return db.changesCount == 1
            }
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
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE messages SET status = ?, error_code = ?, error_message = ?, updated_at = ?
                    WHERE id = ? AND status IN (\(delivered ? "'sent'" : "'sent', 'delivered'"))
                    """,
                arguments: [
                    delivered ? MessageStatus.delivered.rawValue : MessageStatus.failed.rawValue, error?.code,
                    error?.message, time.millisecondsSinceEpoch, messageId,
                ]
            )
            return db.changesCount == 1
        }
    }
}
