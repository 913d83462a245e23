public import CairnCore
import PostgresNIO

/// Claims in PostgreSQL, shared by any number of nodes. Rows another node holds are skipped
/// (`FOR UPDATE SKIP LOCKED`); a lane is claimed from by one node at a time (a transaction-scoped
/// advisory lock, tried, never waited for), so its count of messages in flight, read under that
/// lock, is the count across nodes. Leases are compared and set on the database's clock, so a node
/// whose clock runs ahead does not take live sends away from another.
extension PostgresOutboxStore {
    /// The database's time now, in milliseconds since the epoch (the clock every node shares): the
    /// statement's start, which is stable within it, so a comparison with it can be served by an
    /// index (`clock_timestamp()` is volatile, and made every claim scan the whole table).
    static let databaseNow = "(extract(epoch FROM statement_timestamp()) * 1000)::bigint"
    /// The class of the advisory locks that a claim holds on the lanes it takes from (the
    /// two-key form, apart from the one-key locks of `PostgresDatabase.LockKey`).
    static let laneLockClass: Int32 = 0x6361_6972

    public func claim(_ request: OutboxClaim) async throws -> [ClaimedMessage] {
        let logger = database.logger
        // Burying changes lanes' counts, so it locks their rows: in a statement of its own, apart
        // from the takes, which lock theirs in key order like every other writer of them.
        try await database.withConnection { try await Self.bury($0, request: request, logger: logger) }
        return try await database.transaction { connection in
            var claimed = try await Self.reclaim(connection, request: request, logger: logger).map {
                ($0, request.defaultCap)
            }
            // Which lanes give how many is settled in turn order (no more than they hold, though
            // some may not be due yet); they are then taken from in key order. The counters'
            // triggers lock lanes' rows in key order in every statement (outcome writes, erasure,
            // the processor's inserts), so a claim and a write never wait on each other both ways
            // (a deadlock, which PostgreSQL breaks only after a second).
            var shares: [(key: LaneKey, cap: Int, take: Int)] = []
            var room = request.limit - claimed.count
            let lanes = try await Self.lanes(connection, defaultCap: request.defaultCap, logger: logger)
            for lane in lanes where room > 0 {
                guard let sending = try await Self.lock(lane.key, connection, logger: logger) else { continue }
                let take = min(OutboxClaim.share(cap: lane.cap, sending: sending), room, lane.queued)
                guard take > 0 else { continue }
                shares.append((lane.key, lane.cap, take))
                room -= take
            }
            var taken: [[OutboxMessage]] = Array(repeating: [], count: shares.count)
            for (turn, share) in shares.enumerated().sorted(by: { $0.element.key < $1.element.key }) {
                taken[turn] = try await Self.take(
                    share.take,
                    from: share.key,
                    request: request,
                    connection,
                    logger: logger
                )
            }
            // Answered in turn order, as SQLite answers.
            for (share, messages) in zip(shares, taken) { claimed += messages.map { ($0, share.cap) } }
            return try await Self.withCustomers(claimed, connection, logger: logger)
        }
    }

    public func renewLeases(_ claims: [MessageClaim], now: Timestamp, lease: Duration) async throws -> Int {
        guard !claims.isEmpty else { return 0 }
        let ids = claims.map(\.messageId)
        let attempts = claims.map(\.attempt)
        let rows = try await database.query(
            """
            UPDATE messages AS m SET lease_until = \(unescaped: Self.databaseNow) + \(lease.milliseconds)
            FROM unnest(\(ids), \(attempts)) AS c(id, attempt)
            WHERE m.id = c.id AND m.status = 'sending' AND m.attempts = c.attempt
            RETURNING m.id
            """
        )
        return rows.count
    }

    /// Messages whose lease ended on their last attempt, or for the second time in a row (the
    /// first left `lease_expired` on them, which any recorded outcome clears), are `dead`
    /// (`lease_expired`), not claimed again.
    static func bury(_ connection: PostgresConnection, request: OutboxClaim, logger: Logger) async throws {
        let error = MessageError.leaseExpired
        try await connection.query(
            """
            UPDATE messages SET status = 'dead', lease_until = NULL, error_code = \(error.code),
                error_message = \(error.message), updated_at = \(request.now.millisecondsSinceEpoch)
            WHERE status = 'sending' AND lease_until <= \(unescaped: databaseNow)
                AND (attempts >= \(request.maxAttempts) OR error_code = \(error.code))
            """,
            logger: logger
        )
    }

    /// Messages whose lease ended (their sender died) with attempts left, oldest lease first,
    /// leased again and marked `lease_expired` until an outcome is recorded. They stay `sending`,
    /// so no lane's counts change.
    static func reclaim(
        _ connection: PostgresConnection,
        request: OutboxClaim,
        logger: Logger
    ) async throws -> [OutboxMessage] {
        let once = MessageError.leaseExpiredOnce
        return try await connection.query(
            """
            UPDATE messages SET attempts = attempts + 1,
                lease_until = \(unescaped: databaseNow) + \(request.lease.milliseconds),
                updated_at = \(request.now.millisecondsSinceEpoch), error_code = \(once.code),
                error_message = \(once.message)
            WHERE id IN (
                SELECT id FROM messages
                WHERE status = 'sending' AND lease_until <= \(unescaped: databaseNow)
                    AND attempts < \(request.maxAttempts) AND error_code IS DISTINCT FROM \(once.code)
                ORDER BY lease_until LIMIT \(request.limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: PostgresMessageRows.columns)
            """,
            logger: logger
        ).collect().map(PostgresMessageRows.decode)
    }

    /// The lanes with queued messages and a batch of free slots as last committed (read again
    /// under the lane's lock before any is taken), least recently served first, with their caps.
    static func lanes(
        _ connection: PostgresConnection,
        defaultCap: Int,
        logger: Logger
    ) async throws -> [(key: LaneKey, cap: Int, queued: Int)] {
        try await connection.query(
            """
            SELECT l.client_id, l.account_id, l.brand_id, l.channel, coalesce(c.max_in_flight, \(defaultCap)), l.queued
            FROM (
                SELECT client_id, account_id, brand_id, channel, sum(queued)::bigint AS queued,
                    sum(sending)::bigint AS sending, max(served) AS served
                FROM outbox_lanes GROUP BY client_id, account_id, brand_id, channel
            ) AS l
            LEFT JOIN brand_channels AS c ON c.client_id = l.client_id
                AND c.account_id = l.account_id AND c.brand_id = l.brand_id AND c.channel = l.channel
            WHERE l.queued > 0 AND coalesce(c.max_in_flight, \(defaultCap)) - l.sending
                >= greatest(1, coalesce(c.max_in_flight, \(defaultCap)) / 2)
            ORDER BY l.served
            """,
            logger: logger
        ).collect().map { row in
            let (client, account, brand, channel, cap, queued) = try row.decode(
                (String, String, String, String, Int, Int).self
            )
            return (LaneKey(clientId: client, accountId: account, brandId: brand, channel: channel), cap, queued)
        }
    }

    /// Takes the lane's claim lock, then reads how many of its messages are in flight (every
    /// other claim on it has committed); nil when another node is claiming from it now.
    static func lock(_ lane: LaneKey, _ connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let locked = try await connection.query(
            "SELECT pg_try_advisory_xact_lock(\(laneLockClass), hashtext(\(lane.lockName)))",
            logger: logger
        ).collect()
        guard try locked.first?.decode(Bool.self) == true else { return nil }
        let rows = try await connection.query(
            """
            SELECT coalesce(sum(sending), 0)::bigint FROM outbox_lanes
            WHERE client_id = \(lane.clientId) AND account_id = \(lane.accountId) AND brand_id = \(lane.brandId)
                AND channel = \(lane.channel)
            """,
            logger: logger
        ).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// Up to `limit` of a lane's queued messages that are due, in the order they fell due; a lane
    /// that gave any takes the next turn (`served`), in the same statement.
    static func take(
        _ limit: Int,
        from lane: LaneKey,
        request: OutboxClaim,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> [OutboxMessage] {
        let now = request.now.millisecondsSinceEpoch
        return try await connection.query(
            """
            WITH taken AS (
                UPDATE messages SET status = 'sending', attempts = attempts + 1,
                    lease_until = \(unescaped: databaseNow) + \(request.lease.milliseconds), updated_at = \(now)
                WHERE id IN (
                    SELECT id FROM messages
                    WHERE client_id = \(lane.clientId) AND account_id = \(lane.accountId)
                        AND brand_id = \(lane.brandId) AND channel = \(lane.channel) AND status = 'queued'
                        AND next_attempt_at <= \(now)
                    ORDER BY next_attempt_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PostgresMessageRows.columns)),
            turn AS (
                INSERT INTO outbox_lanes AS l (client_id, account_id, brand_id, channel, shard, served)
                SELECT \(lane.clientId), \(lane.accountId), \(lane.brandId), \(lane.channel), 0,
                    nextval('outbox_lane_turns')
                WHERE EXISTS (SELECT 1 FROM taken)
                ON CONFLICT (client_id, account_id, brand_id, channel, shard) DO UPDATE SET served = excluded.served)
            SELECT * FROM taken
            """,
            logger: logger
        ).collect().map(PostgresMessageRows.decode).sorted { $0.nextAttemptAt < $1.nextAttemptAt }
    }

    /// The claimed messages with their customers' consent and suppression now, and a push's
    /// device as the customer has it now.
    static func withCustomers(
        _ claimed: [(OutboxMessage, Int)],
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> [ClaimedMessage] {
        guard !claimed.isEmpty else { return [] }
        let customerIds = Array(Set(claimed.map(\.0.customerId)))
        let pushing = Array(Set(claimed.filter { $0.0.channel == .push }.map(\.0.customerId)))
        var consent: [String: [String: ChannelConsent]] = [:]
        var suppressed: Set<String> = []
        var devices: [String: [String: PushDevice]] = [:]
        for row in try await connection.query(
            """
            SELECT id, consent, suppressed, CASE WHEN id = ANY(\(pushing)) THEN devices END
            FROM customers WHERE id = ANY(\(customerIds))
            """,
            logger: logger
        ).collect() {
            let (id, bytes, isSuppressed, stored) = try row.decode((String, ByteBuffer, Bool, ByteBuffer?).self)
            consent[id] = StoredJSON.consent(from: Array(bytes.readableBytesView))
            if isSuppressed { suppressed.insert(id) }
            if let stored { devices[id] = StoredJSON.devices(from: Array(stored.readableBytesView)) }
        }
        return claimed.map { message, cap in
            ClaimedMessage(
                message: message,
                consent: consent[message.customerId],
                suppressed: suppressed.contains(message.customerId),
                laneCap: cap,
                device: message.channel == .push ? devices[message.customerId]?[message.to] : nil
            )
        }
    }

    /// A lane's key columns as stored.
    struct LaneKey: Sendable, Comparable {
        var clientId: String
        var accountId: String
        var brandId: String
        var channel: String

        /// The lane a message is queued in.
        init(_ message: OutboxMessage) {
            self.init(
                clientId: message.tenant.clientId,
                accountId: message.tenant.accountId,
                brandId: message.tenant.brandId,
                channel: message.channel.rawValue
            )
        }

        init(clientId: String, accountId: String, brandId: String, channel: String) {
            self.clientId = clientId
            self.accountId = accountId
            self.brandId = brandId
            self.channel = channel
        }

        /// What its advisory lock is named by (hashed).
        var lockName: String { [clientId, accountId, brandId, channel].joined(separator: "\u{1f}") }

        /// The order in which the counters' triggers lock lanes' rows (byte order, `COLLATE "C"`).
        static func < (lhs: LaneKey, rhs: LaneKey) -> Bool {
            let left = [lhs.clientId, lhs.accountId, lhs.brandId, lhs.channel]
            let right = [rhs.clientId, rhs.accountId, rhs.brandId, rhs.channel]
            for (a, b) in zip(left, right) where a != b { return a.utf8.lexicographicallyPrecedes(b.utf8) }
            return false
        }
    }
}
