public import CairnCore
import Logging
import PostgresNIO

/// What became of claimed messages: attempts' outcomes (with their effects) and providers'
/// receipts, kept when they arrive before their message is recorded sent.
extension PostgresOutboxStore {
    public func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool] {
        guard !outcomes.isEmpty else { return [] }
        let logger = database.logger
        return try await database.transaction { connection in
            // An effect appends to the event log: the log's turn is taken before any message row
            // is locked, as every append takes it.
            let affected = outcomes.filter { !$0.effects.isEmpty }.map(\.claim.messageId)
            if !affected.isEmpty {
                try await PostgresEventLog.takeTurn(on: connection, logger: logger)
                // Customers before lanes, as the processor locks them (it saves profiles, then
                // inserts messages, whose lanes' counters the triggers lock): never the reverse,
                // which could deadlock with it.
                try await connection.query(
                    """
                    SELECT id FROM customers WHERE id IN (SELECT customer_id FROM messages WHERE id = ANY(\(affected)))
                    ORDER BY id FOR UPDATE
                    """,
                    logger: logger
                )
            }
            let saved = try await Self.update(outcomes, at: time, on: connection, logger: logger)
            var sent: [String] = []
            for (outcome, isSaved) in zip(outcomes, saved) where isSaved {
                if case .sent = outcome.record { sent.append(outcome.claim.messageId) }
                for effect in outcome.effects {
                    try await Self.apply(effect, of: outcome.claim.messageId, on: connection, logger: logger)
                }
            }
            // Kept receipts of messages that end failed or dead, or are queued again, go by trigger
            // (migration 0011).
            if !sent.isEmpty { try await Self.applyKeptReceipts(of: sent, at: time, on: connection, logger: logger) }
            return saved
        }
    }

    /// Writes a group's outcomes in one statement (one round trip however many): each where its
    /// claim is still the message's. Which were saved, in order.
    private static func update(
        _ outcomes: [AttemptOutcome],
        at time: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [Bool] {
        let changes = outcomes.map { MessageChange($0.record, at: time) }
        // Arrays cannot hold NULL here: an absent value is sent as a sentinel and made NULL again.
        let none = Int64.min
        let ids = outcomes.map(\.claim.messageId)
        let attempts = outcomes.map(\.claim.attempt)
        let statuses = changes.map(\.status.rawValue)
        let nextAttempts = changes.map { $0.nextAttemptAt ?? none }
        // A provider's words may hold a NUL, which PostgreSQL's text refuses: the outcome would
        // never be saved.
        let providerIds = changes.map { ($0.providerMessageId ?? "").withoutNUL }
        let codes = changes.map { ($0.error?.code ?? "").withoutNUL }
        let messages = changes.map { ($0.error?.message ?? "").withoutNUL }
        let sentAts = changes.map { $0.sentAt ?? none }
        let rows = try await connection.query(
            """
            UPDATE messages AS m SET status = c.status,
                next_attempt_at = coalesce(nullif(c.next, \(none)), m.next_attempt_at), lease_until = NULL, provider_message_id = coalesce(nullif(c.provider_id, ''), m.provider_message_id),
                error_code = nullif(c.code, ''), error_message = CASE WHEN c.code = '' THEN NULL ELSE c.message END,
                sent_at = coalesce(nullif(c.sent_at, \(none)), m.sent_at), updated_at = \(time.millisecondsSinceEpoch)
            FROM unnest(\(ids)::text[], \(attempts)::bigint[], \(statuses)::text[], \(nextAttempts)::bigint[],
                \(providerIds)::text[], \(codes)::text[], \(messages)::text[], \(sentAts)::bigint[])
                AS c(id, attempt, status, next, provider_id, code, message, sent_at)
            WHERE m.id = c.id AND m.status = 'sending' AND m.attempts = c.attempt
            RETURNING m.id, m.attempts
            """,
            logger: logger
        ).collect()
        var written: Set<MessageClaim> = []
        for row in rows {
            let (id, attempt) = try row.decode((String, Int).self)
            written.insert(MessageClaim(messageId: id, attempt: attempt))
        }
        return outcomes.map { written.contains($0.claim) }
    }

    public func receipt(
        messageId: String,
        providerMessageId: String?,
        delivered: Bool,
        error: MessageError?,
        at time: Timestamp
    ) async throws
        -> Bool
    {
        let logger = database.logger
        let newStatus = ReceiptAction.status(delivered: delivered).rawValue
        return try await database.transaction { connection in
            // The row lock orders this receipt with the outcome's write (and with other receipts
            // for the message): one waits for the other, then sees what it did.
            let current = try await connection.query(
                "SELECT status, provider_message_id FROM messages WHERE id = \(messageId) FOR UPDATE",
                logger: logger
            ).collect()
            guard let row = current.first else { return false }
            let (text, recorded) = try row.decode((String, String?).self)
            guard let status = MessageStatus(rawValue: text) else { return false }
            let action = ReceiptAction(
                status: status,
                delivered: delivered,
                providerMessageId: providerMessageId,
                recordedProviderMessageId: recorded
            )
            switch action {
            case .apply:
                try await connection.query(
                    """
                    UPDATE messages SET status = \(newStatus), error_code = \(error?.code),
                        error_message = \(error?.message), updated_at = \(time.millisecondsSinceEpoch)
                    WHERE id = \(messageId)
                    """,
                    logger: logger
                )
            case .keep:
                // One kept per provider id: the first final status stands (as on the message).
                try await connection.query(
                    """
                    INSERT INTO message_receipts
                        (message_id, provider_message_id, status, error_code, error_message, received_at)
                    VALUES (\(messageId), \(providerMessageId), \(newStatus), \(error?.code), \(error?.message),
                        \(time.millisecondsSinceEpoch))
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            case .refuse:
                return false
            }
            return true
        }
    }

    /// Applies to each message just recorded sent the receipts kept for it that may be about
    /// that attempt (naming the provider id recorded, or any when none was), the first received.
    /// Drops them all: the others are about
    /// other attempts (that timed out after the provider took them), and will not be applied.
    /// (The statement sees the messages as the outcomes' write left them, with their provider
    /// ids; the condition is `ReceiptAction.isSameAttempt`'s.)
    private static func applyKeptReceipts(
        of messageIds: [String],
        at time: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            WITH kept AS (DELETE FROM message_receipts WHERE message_id = ANY(\(messageIds)) RETURNING *),
            chosen AS (
                SELECT DISTINCT ON (kept.message_id) kept.message_id, kept.status, kept.error_code, kept.error_message
                FROM kept JOIN messages AS sent ON sent.id = kept.message_id
                WHERE sent.provider_message_id IS NULL OR kept.provider_message_id = sent.provider_message_id
                ORDER BY kept.message_id, kept.received_at
            )
            UPDATE messages AS m SET status = chosen.status, error_code = chosen.error_code,
                error_message = chosen.error_message, updated_at = \(time.millisecondsSinceEpoch)
            FROM chosen WHERE m.id = chosen.message_id
            """,
            logger: logger
        )
    }

    /// Applies one effect of a saved outcome of the message, in the outcome's transaction.
    private static func apply(
        _ effect: OutcomeEffect,
        of messageId: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        switch effect {
        case .withdrawConsent(let channel, let event):
            let rows = try await connection.query(
                """
                SELECT c.id, c.consent FROM messages AS m JOIN customers AS c ON c.id = m.customer_id
                WHERE m.id = \(messageId) FOR UPDATE OF c
                """,
                logger: logger
            ).collect()
            if let row = rows.first {
                let (customerId, bytes) = try row.decode((String, ByteBuffer).self)
                let consent = StoredJSON.consent(from: Array(bytes.readableBytesView))
                let withdrawn = OutcomeEffect.withdrawing(channel, as: event, from: consent)
                if withdrawn != consent {
                    let encoded = ByteBuffer(bytes: StoredJSON.encode(withdrawn))
                    try await connection.query(
                        "UPDATE customers SET consent = \(encoded) WHERE id = \(customerId)",
                        logger: logger
                    )
                }
            }
            _ = try await PostgresEventLog.append(
                [event],
                duplicatesSince: OutcomeEffect.cutoff(for: event),
                on: connection,
                logger: logger
            )
        case .removeDevice(let deviceId, let address):
            let rows = try await connection.query(
                """
                SELECT c.id, c.devices FROM messages AS m JOIN customers AS c ON c.id = m.customer_id
                WHERE m.id = \(messageId) FOR UPDATE OF c
                """,
                logger: logger
            ).collect()
            guard let row = rows.first else { return }
            let (customerId, bytes) = try row.decode((String, ByteBuffer?).self)
            guard
                let kept = OutcomeEffect.removing(
                    deviceId: deviceId,
                    address: address,
                    from: bytes.map { Array($0.readableBytesView) }
                )
            else { return }
            let encoded = StoredJSON.encode(kept).map { ByteBuffer(bytes: $0) }
            try await connection.query(
                "UPDATE customers SET devices = \(encoded) WHERE id = \(customerId)",
                logger: logger
            )
        }
    }
}

extension String {
    /// The text without NUL characters (which PostgreSQL's `text` cannot hold).
    fileprivate var withoutNUL: String {
        contains("\0") ? String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "\0" })) : self
    }
}
