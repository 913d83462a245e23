public import CairnCore
import Foundation
import GRDB

/// Claims in SQLite: one `BEGIN IMMEDIATE` transaction with `UPDATE … RETURNING`, so no two
/// senders claim one message. Its commit does not wait for the disk: a claim lost with the power
/// leaves its messages queued, to be sent (again, at worst) as after any crash. One node writes
/// an SQLite file, so its clock is the clock.
extension SQLiteOutboxStore {
    public func claim(_ request: OutboxClaim) async throws -> [ClaimedMessage] {
        try await database.writeWithoutSync { db in
            let now = request.now.millisecondsSinceEpoch
            let leaseUntil = request.now.adding(request.lease).millisecondsSinceEpoch
            try Self.bury(db, now: now, maxAttempts: request.maxAttempts)
            var claimed = try Self.reclaim(db, now: now, leaseUntil: leaseUntil, limit: request.limit).map {
                ($0, request.defaultCap)
            }
            for lane in try Self.lanes(db, defaultCap: request.defaultCap) where claimed.count < request.limit {
                let take = min(OutboxClaim.share(cap: lane.cap, sending: lane.sending), request.limit - claimed.count)
                guard take > 0 else { continue }
                let taken = try Self.take(db, from: lane.key, now: now, leaseUntil: leaseUntil, limit: take)
                guard !taken.isEmpty else { continue }
                try db.cachedStatement(
                    sql: """
                        UPDATE outbox_lanes SET served = (SELECT max(served) FROM outbox_lanes) + 1
                        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND channel = ?
                        """
                ).execute(arguments: lane.key.arguments)
                claimed += taken.map { ($0, lane.cap) }
            }
            let customerQuery = try db.cachedStatement(
                sql: "SELECT consent, suppressed, CASE WHEN ? THEN devices END FROM customers WHERE id = ?"
            )
            return try claimed.map { message, cap in
                let push = message.channel == .push
                let customer = try Row.fetchOne(customerQuery, arguments: [push, message.customerId])
                let devices = (customer?[2] as Data?).map { StoredJSON.devices(from: [UInt8]($0)) }
                return ClaimedMessage(
                    message: message,
                    consent: customer.map { StoredJSON.consent(from: [UInt8]($0[0] as Data)) },
                    suppressed: customer.map { $0[1] as Bool } ?? false,
                    laneCap: cap,
                    device: push ? devices?[message.to] : nil
                )
            }
        }
    }

    public func renewLeases(_ claims: [MessageClaim], now: Timestamp, lease: Duration) async throws -> Int {
        guard !claims.isEmpty else { return 0 }
        let until = now.adding(lease).millisecondsSinceEpoch
        return try await database.write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE messages SET lease_until = ? WHERE id = ? AND status = 'sending' AND attempts = ?"
            )
            var renewed = 0
            for claim in claims {
                try statement.execute(arguments: [until, claim.messageId, claim.attempt])
                renewed += db.changesCount
            }
            return renewed
        }
    }

    /// Messages whose lease ended on their last attempt, or for the second time in a row (the
    /// first left `lease_expired` on them, which any recorded outcome clears): `dead`, not
    /// claimed again.
    static func bury(_ db: Database, now: Int64, maxAttempts: Int) throws {
        let error = MessageError.leaseExpired
        try db.cachedStatement(
            sql: """
                UPDATE messages SET status = 'dead', lease_until = NULL, error_code = ?, error_message = ?,
                    updated_at = ?
                WHERE status = 'sending' AND lease_until <= ? AND (attempts >= ? OR error_code = ?)
                """
        ).execute(arguments: [error.code, error.message, now, now, maxAttempts, error.code])
    }

    /// Messages whose lease ended (their sender died), oldest lease first, leased again and
    /// marked `lease_expired` until an outcome is recorded. They stay `sending`, so their lanes'
    /// counts do not change.
    static func reclaim(_ db: Database, now: Int64, leaseUntil: Int64, limit: Int) throws -> [OutboxMessage] {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE messages SET attempts = attempts + 1, lease_until = ?, updated_at = ?, error_code = ?,
                    error_message = ?
                WHERE id IN (
                    SELECT id FROM messages WHERE status = 'sending' AND lease_until <= ? ORDER BY lease_until LIMIT ?)
                RETURNING \(SQLiteMessageRows.columns)
                """
        )
        let error = MessageError.leaseExpiredOnce
        return try Row.fetchAll(statement, arguments: [leaseUntil, now, error.code, error.message, now, limit])
            .map(SQLiteMessageRows.decode)
    }

    /// The lanes with queued messages, least recently served first, with their caps.
    static func lanes(_ db: Database, defaultCap: Int) throws -> [(key: LaneKey, sending: Int, cap: Int)] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT l.client_id, l.account_id, l.brand_id, l.channel, l.sending, coalesce(c.max_in_flight, ?)
                FROM outbox_lanes AS l LEFT JOIN brand_channels AS c ON c.client_id = l.client_id
                    AND c.account_id = l.account_id AND c.brand_id = l.brand_id AND c.channel = l.channel
                WHERE l.queued > 0
                ORDER BY l.served
                """
        )
        return try Row.fetchAll(statement, arguments: [defaultCap]).map { row in
            (LaneKey(clientId: row[0], accountId: row[1], brandId: row[2], channel: row[3]), row[4], row[5])
        }
    }

    /// Up to `limit` of a lane's queued messages that are due, in the order they fell due
    /// (a walk of `messages_due_by_lane` that stops at the limit).
    static func take(
        _ db: Database,
        from lane: LaneKey,
        now: Int64,
        leaseUntil: Int64,
        limit: Int
    ) throws -> [OutboxMessage] {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = ?, updated_at = ?
                WHERE id IN (
                    SELECT id FROM messages
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND channel = ? AND status = 'queued'
                        AND next_attempt_at <= ?
                    ORDER BY next_attempt_at LIMIT ?)
                RETURNING \(SQLiteMessageRows.columns)
                """
        )
        let arguments = StatementArguments([leaseUntil, now]) + lane.arguments + [now, limit]
        return try Row.fetchAll(statement, arguments: arguments).map(SQLiteMessageRows.decode)
            .sorted { $0.nextAttemptAt < $1.nextAttemptAt }
    }

    /// A lane's key columns as stored.
    struct LaneKey {
        var clientId: String
        var accountId: String
        var brandId: String
        var channel: String

        var arguments: StatementArguments { [clientId, accountId, brandId, channel] }
    }
}
