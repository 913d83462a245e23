public import CairnCore
import Foundation
import GRDB

/// What became of claimed messages: attempts' outcomes (with their effects) and providers'
/// receipts, kept when they arrive before their message is recorded sent.
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
                guard db.changesCount == 1 else { return false }
                // Kept receipts of a message that ends failed or dead, or is queued again, go by
                // trigger (migration 0011).
                if change.status == .sent {
                    try Self.applyKeptReceipts(
                        of: outcome.claim.messageId,
                        recorded: change.providerMessageId,
                        at: time,
                        db
                    )
                }
                for effect in outcome.effects { try Self.apply(effect, of: outcome.claim.messageId, db) }
                return true
            }
        }
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
        try await database.write { db in
            let current = try Row.fetchOne(
                db,
                sql: "SELECT status, provider_message_id FROM messages WHERE id = ?",
                arguments: [messageId]
            )
            guard let current, let status = MessageStatus(rawValue: current[0] as String) else { return false }
            let action = ReceiptAction(
                status: status,
                delivered: delivered,
                providerMessageId: providerMessageId,
                recordedProviderMessageId: current[1] as String?
            )
            let newStatus = ReceiptAction.status(delivered: delivered).rawValue
            switch action {
            case .apply:
                try db.execute(
                    sql:
                        "UPDATE messages SET status = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?",
                    arguments: [newStatus, error?.code, error?.message, time.millisecondsSinceEpoch, messageId]
                )
            case .keep:
                // One kept per provider id: the first final status stands (as on the message).
                try db.execute(
                    sql: """
                        INSERT INTO message_receipts
                            (message_id, provider_message_id, status, error_code, error_message, received_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        messageId, providerMessageId, newStatus, error?.code, error?.message,
                        time.millisecondsSinceEpoch,
                    ]
                )
            case .refuse:
                return false
            }
            return true
        }
    }

    /// Applies the receipts kept for a message just recorded sent (with provider id `recorded`)
    /// that are about that attempt (`ReceiptAction.isSameAttempt`), the first received. Drops
    /// them all: the others are about other attempts (that timed out after the provider took
    /// them), and will not be applied.
    private static func applyKeptReceipts(
        of messageId: String,
        recorded: String?,
        at time: Timestamp,
        _ db: Database
    ) throws {
        let taken = try db.cachedStatement(
            sql: """
                DELETE FROM message_receipts WHERE message_id = ?
                RETURNING provider_message_id, status, error_code, error_message, received_at
                """
        )
        let kept = try Row.fetchAll(taken, arguments: [messageId]).filter {
            ReceiptAction.isSameAttempt($0[0] as String?, recorded)
        }
        guard let chosen = kept.min(by: { ($0[4] as Int64) < ($1[4] as Int64) }) else { return }
        try db.cachedStatement(
            sql: "UPDATE messages SET status = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?"
        ).execute(arguments: [
            chosen[1] as String, chosen[2] as String?, chosen[3] as String?, time.millisecondsSinceEpoch, messageId,
        ])
    }

    /// Applies one effect of a saved outcome of the message, in the outcome's transaction.
    private static func apply(_ effect: OutcomeEffect, of messageId: String, _ db: Database) throws {
        switch effect {
        case .withdrawConsent(let channel, let event):
            let customer = try Row.fetchOne(
                db,
                sql: """
                    SELECT customers.id, customers.consent FROM messages JOIN customers ON customers.id = messages.customer_id
                    WHERE messages.id = ?
                    """,
                arguments: [messageId]
            )
            if let customer {
                let consent = StoredJSON.consent(from: [UInt8](customer[1] as Data))
                let withdrawn = OutcomeEffect.withdrawing(channel, as: event, from: consent)
                if withdrawn != consent {
                    try db.execute(
                        sql: "UPDATE customers SET consent = ? WHERE id = ?",
                        arguments: [Data(StoredJSON.encode(withdrawn)), customer[0] as String]
                    )
                }
            }
            _ = try SQLiteEventLog.append([event], duplicatesSince: OutcomeEffect.cutoff(for: event), db)
        case .removeDevice(let deviceId, let address):
            let customer = try Row.fetchOne(
                db,
                sql: """
                    SELECT customers.id, customers.devices FROM messages JOIN customers ON customers.id = messages.customer_id
                    WHERE messages.id = ?
                    """,
                arguments: [messageId]
            )
            guard let customer,
                let kept = OutcomeEffect.removing(
                    deviceId: deviceId,
                    address: address,
                    from: (customer[1] as Data?).map { [UInt8]($0) }
                )
            else { return }
            try db.execute(
                sql: "UPDATE customers SET devices = ? WHERE id = ?",
                arguments: [StoredJSON.encode(kept).map { Data($0) }, customer[0] as String]
            )
        }
    }
}
