public import CairnCore
import Foundation
import GRDB

/// The outbox in SQLite. A claim is one `BEGIN IMMEDIATE` transaction (GRDB's write) with
/// `UPDATE … RETURNING`: no two senders can claim one message.
public struct SQLiteOutboxStore: OutboxStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func claim(
        limit: Int,
        now: Timestamp,
        leaseUntil: Timestamp,
        skipping: Set<Tenant>
    ) async throws
        -> [ClaimedMessage]
    {
        try await database.write { db in
            let skipped = skipping.map(Self.brandKey)
            let exclusion =
                skipped.isEmpty
                ? ""
                : "AND client_id || char(31) || account_id || char(31) || brand_id NOT IN (\(databaseQuestionMarks(count: skipped.count)))"
            let nowMillis = now.millisecondsSinceEpoch
            // Messages whose lease ended first, then queued ones in the order they fell due: each
            // a walk of its own partial index that stops at the limit (one query with OR would
            // sort every due message for each claim).
            var rows: [Row] = []
            for (condition, order) in Self.claimable where rows.count < limit {
                rows += try Row.fetchAll(
                    db,
                    sql: """
                        UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = ?, updated_at = ?
                        WHERE id IN (
                            SELECT id FROM messages WHERE \(condition) \(exclusion) ORDER BY \(order) LIMIT ?)
                        RETURNING \(SQLiteMessageRows.columns)
                        """,
                    arguments: StatementArguments([leaseUntil.millisecondsSinceEpoch, nowMillis, nowMillis])
                        + StatementArguments(skipped) + [limit - rows.count]
                )
            }
            let messages = try rows.map(SQLiteMessageRows.decode).sorted { $0.nextAttemptAt < $1.nextAttemptAt }
            let customerQuery = try db.cachedStatement(sql: "SELECT consent, suppressed FROM customers WHERE id = ?")
            return try messages.map { message in
                let customer = try Row.fetchOne(customerQuery, arguments: [message.customerId])
                return ClaimedMessage(
                    message: message,
                    consent: customer.map { StoredJSON.consent(from: [UInt8]($0[0] as Data)) },
                    suppressed: customer.map { $0[1] as Bool } ?? false
                )
            }
        }
    }

    /// What a claim takes, in turn: a condition on `now` and the partial index's order.
    static let claimable = [
        ("status = 'sending' AND lease_until <= ?", "lease_until"),
        ("status = 'queued' AND next_attempt_at <= ?", "next_attempt_at"),
    ]

    static func brandKey(_ tenant: Tenant) -> String {
        [tenant.clientId, tenant.accountId, tenant.brandId].joined(separator: "\u{1f}")
    }

    public func renewLeases(_ claims: [MessageClaim], until: Timestamp) async throws -> Int {
        guard !claims.isEmpty else { return 0 }
        return try await database.write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE messages SET lease_until = ? WHERE id = ? AND status = 'sending' AND attempts = ?"
            )
            var renewed = 0
            for claim in claims {
                try statement.execute(arguments: [until.millisecondsSinceEpoch, claim.messageId, claim.attempt])
                renewed += db.changesCount
            }
            return renewed
        }
    }

    public func messages(eventId: EventID) async throws -> [OutboxMessage] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(SQLiteMessageRows.columns) FROM messages WHERE event_id = ? ORDER BY id",
                arguments: [eventId.description]
            ).map(SQLiteMessageRows.decode)
        }
    }

    public func messages(tenant: Tenant, filter: MessageFilter) async throws -> [OutboxMessage] {
        var conditions = ["client_id = ?", "account_id = ?", "brand_id = ?"]
        var arguments: StatementArguments = [tenant.clientId, tenant.accountId, tenant.brandId]
        if let status = filter.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let channel = filter.channel {
            conditions.append("channel = ?")
            arguments += [channel.rawValue]
        }
        if let userId = filter.userId {
            conditions.append("user_id = ?")
            arguments += [userId]
        }
        if let before = filter.before {
            conditions.append("id < ?")
            arguments += [before]
        }
        arguments += [filter.limit]
        let sql = """
            SELECT \(SQLiteMessageRows.columns) FROM messages WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT ?
            """
        let values = arguments
        return try await database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: values).map(SQLiteMessageRows.decode)
        }
    }

    public func message(messageId: String) async throws -> OutboxMessage? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(SQLiteMessageRows.columns) FROM messages WHERE id = ?",
                arguments: [messageId]
            ).map(SQLiteMessageRows.decode)
        }
    }

    public func depth() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')") ?? 0
        }
    }
}
