public import CairnCore
import PostgresNIO

/// The outbox in PostgreSQL. Claims lock the rows they take and skip rows other nodes hold
/// (`FOR UPDATE SKIP LOCKED`), so any number of nodes share one outbox.
public struct PostgresOutboxStore: OutboxStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
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
        let skipped = skipping.map { [$0.clientId, $0.accountId, $0.brandId].joined(separator: "\u{1f}") }
        let (nowMillis, lease) = (now.millisecondsSinceEpoch, leaseUntil.millisecondsSinceEpoch)
        let logger = database.logger
        return try await database.transaction { connection in
            // Messages whose lease ended first, then queued ones in the order they fell due: each
            // a walk of its own partial index that stops at the limit.
            var messages = try await connection.query(
                """
                UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = \(lease),
                    updated_at = \(nowMillis)
                WHERE id IN (
                    SELECT id FROM messages
                    WHERE status = 'sending' AND lease_until <= \(nowMillis)
                        AND NOT (client_id || chr(31) || account_id || chr(31) || brand_id = ANY(\(skipped)))
                    ORDER BY lease_until LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PostgresMessageRows.columns)
                """,
                logger: logger
            ).collect().map(PostgresMessageRows.decode)
            if messages.count < limit {
                messages += try await connection.query(
                    """
                    UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = \(lease),
                        updated_at = \(nowMillis)
                    WHERE id IN (
                        SELECT id FROM messages
                        WHERE status = 'queued' AND next_attempt_at <= \(nowMillis)
                            AND NOT (client_id || chr(31) || account_id || chr(31) || brand_id = ANY(\(skipped)))
                        ORDER BY next_attempt_at LIMIT \(limit - messages.count)
                        FOR UPDATE SKIP LOCKED)
                    RETURNING \(unescaped: PostgresMessageRows.columns)
                    """,
                    logger: logger
                ).collect().map(PostgresMessageRows.decode)
            }
            messages.sort { $0.nextAttemptAt < $1.nextAttemptAt }
            guard !messages.isEmpty else { return [] }
            let customerIds = Array(Set(messages.map(\.customerId)))
            var consent: [String: [String: ChannelConsent]] = [:]
            var suppressed: Set<String> = []
            for row in try await connection.query(
                "SELECT id, consent, suppressed FROM customers WHERE id = ANY(\(customerIds))",
                logger: logger
            ).collect() {
                let (id, bytes, isSuppressed) = try row.decode((String, ByteBuffer, Bool).self)
                consent[id] = StoredJSON.consent(from: Array(bytes.readableBytesView))
                if isSuppressed { suppressed.insert(id) }
            }
            return messages.map {
                ClaimedMessage(
                    message: $0,
                    consent: consent[$0.customerId],
                    suppressed: suppressed.contains($0.customerId)
                )
            }
        }
    }

    public func renewLeases(_ claims: [MessageClaim], until: Timestamp) async throws -> Int {
        guard !claims.isEmpty else { return 0 }
        let ids = claims.map(\.messageId)
        let attempts = claims.map(\.attempt)
        let rows = try await database.query(
            """
            UPDATE messages AS m SET lease_until = \(until.millisecondsSinceEpoch)
            FROM unnest(\(ids), \(attempts)) AS c(id, attempt)
            WHERE m.id = c.id AND m.status = 'sending' AND m.attempts = c.attempt
            RETURNING m.id
            """
        )
        return rows.count
    }

    public func messages(eventId: EventID) async throws -> [OutboxMessage] {
        try await database.query(
            """
            SELECT \(unescaped: PostgresMessageRows.columns) FROM messages WHERE event_id = \(eventId.description)
            ORDER BY id
            """
        ).map(PostgresMessageRows.decode)
    }

    public func messages(tenant: Tenant, filter: MessageFilter) async throws -> [OutboxMessage] {
        // NULL filters match everything.
        try await database.query(
            """
            SELECT \(unescaped: PostgresMessageRows.columns) FROM messages
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
                AND (\(filter.channel?.rawValue)::text IS NULL OR channel = \(filter.channel?.rawValue))
                AND (\(filter.userId)::text IS NULL OR user_id = \(filter.userId))
                AND (\(filter.before)::text IS NULL OR id < \(filter.before))
            ORDER BY id DESC LIMIT \(filter.limit)
            """
        ).map(PostgresMessageRows.decode)
    }

    public func message(messageId: String) async throws -> OutboxMessage? {
        try await database.query(
            "SELECT \(unescaped: PostgresMessageRows.columns) FROM messages WHERE id = \(messageId)"
        ).first.map(PostgresMessageRows.decode)
    }

    public func depth() async throws -> Int {
        let rows = try await database.query("SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')")
        return try rows.first?.decode(Int.self) ?? 0
    }
}
