public import CairnCore
import Foundation
import Logging
import PostgresNIO

/// The event log in PostgreSQL. `append` writes a whole group in one transaction with
/// multi-row inserts; appends from every node take turns (an advisory lock), so events commit
/// in `seq` order and the processor never passes a number that commits later.
public struct PostgresEventLog: EventLogStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// Rows per INSERT statement (16 parameters each, well under PostgreSQL's 65,535).
    static let rowsPerStatement = 1000

    public func append(_ entries: [EventLogEntry], duplicatesSince: Timestamp) async throws -> [EventID] {
        guard !entries.isEmpty else { return [] }
        let logger = database.logger
        return try await database.transaction { connection in
            try await Self.append(entries, duplicatesSince: duplicatesSince, on: connection, logger: logger)
        }
    }

    /// Appends within a transaction of the caller's (an outcome's effects log with it), taking
    /// the log's turn for the rest of that transaction.
    static func append(
        _ entries: [EventLogEntry],
        duplicatesSince: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [EventID] {
        try await takeTurn(on: connection, logger: logger)
        let (kept, duplicates) = try await claimMessageIds(entries, since: duplicatesSince, connection, logger)
        var start = 0
        while start < kept.count {
            let slice = kept[start..<min(start + Self.rowsPerStatement, kept.count)]
            try await connection.query(Self.insert(slice), logger: logger)
            start += Self.rowsPerStatement
        }
        return duplicates
    }

    /// Waits for the log's turn, held until the transaction ends (taking it again is a no-op).
    static func takeTurn(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(PostgresDatabase.LockKey.eventLog.rawValue))",
            logger: logger
        )
    }

    /// Claims the messageIds of `entries` for their tokens; returns the entries to store and the
    /// ids of those whose messageId is held by an earlier use at or after `since`.
    private static func claimMessageIds(
        _ entries: [EventLogEntry],
        since: Timestamp,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> (kept: [EventLogEntry], duplicates: [EventID]) {
        struct Key: Hashable {
            var token: String
            var messageId: String
        }
        var firstUse: [Key: EventID] = [:]
        var claims: [(Key, Int64)] = []
        for entry in entries {
            guard let messageId = entry.messageId else { continue }
            let key = Key(token: entry.tokenId, messageId: messageId)
            if firstUse[key] == nil {
                firstUse[key] = entry.id
                claims.append((key, entry.receivedAt.millisecondsSinceEpoch))
            }
        }
        guard !claims.isEmpty else { return (entries, []) }
        var claimed: Set<Key> = []
        var start = 0
        while start < claims.count {
            let slice = claims[start..<min(start + 10_000, claims.count)]
            var bindings = PostgresBindings(capacity: slice.count * 3 + 1)
            bindings.append(since.millisecondsSinceEpoch)
            var values: [String] = []
            for (offset, (key, seenAt)) in slice.enumerated() {
                let base = offset * 3 + 2
                values.append("($\(base), $\(base + 1), $\(base + 2))")
                bindings.append(key.token)
                bindings.append(key.messageId)
                bindings.append(seenAt)
            }
            let query = PostgresQuery(
                unsafeSQL: """
                    INSERT INTO message_ids (token_id, message_id, seen_at) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (token_id, message_id) DO UPDATE SET seen_at = excluded.seen_at
                    WHERE message_ids.seen_at < $1
                    RETURNING token_id, message_id
                    """,
                binds: bindings
            )
            for try await (token, messageId) in try await connection.query(query, logger: logger).decode(
                (String, String).self
            ) {
                claimed.insert(Key(token: token, messageId: messageId))
            }
            start += 10_000
        }
        var kept: [EventLogEntry] = []
        var duplicates: [EventID] = []
        for entry in entries {
            if let messageId = entry.messageId {
                let key = Key(token: entry.tokenId, messageId: messageId)
                guard claimed.contains(key), firstUse[key] == entry.id else {
                    duplicates.append(entry.id)
                    continue
                }
            }
            kept.append(entry)
        }
        return (kept, duplicates)
    }

    private static func insert(_ entries: ArraySlice<EventLogEntry>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: entries.count * 17)
        var values: [String] = []
        values.reserveCapacity(entries.count)
        for (offset, entry) in entries.enumerated() {
            let base = offset * 17
            values.append("(" + (1...17).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
            let event = entry.event
            bindings.append(entry.id.description)
            bindings.append(entry.tenant.clientId)
            bindings.append(entry.tenant.accountId)
            bindings.append(entry.tenant.brandId)
            bindings.append(entry.tokenId)
            bindings.append(event.action.rawValue)
            bindings.append(event.eventName)
            bindings.append(event.userId)
            bindings.append(event.anonymousId)
            bindings.append(event.originalTimestamp)
            bindings.append(event.eventTime.millisecondsSinceEpoch)
            bindings.append(entry.receivedAt.millisecondsSinceEpoch)
            bindings.append(ByteBuffer(bytes: entry.body))
            bindings.append(entry.messageId)
            bindings.append(event.groupId)
            bindings.append(event.previousId)
            bindings.append(ProcessingPartition.of(entry))
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO events (id, client_id, account_id, brand_id, token_id, action, event_name, user_id,
                    anonymous_id, original_timestamp, event_time, received_at, body, message_id, group_id, previous_id,
                    processing_partition)
                VALUES \(values.joined(separator: ", "))
                """,
            binds: bindings
        )
    }

    public func pruneMessageIds(seenBefore: Timestamp, limit: Int) async throws -> Int {
        let rows = try await database.query(
            """
            DELETE FROM message_ids WHERE (token_id, message_id) IN (
                SELECT token_id, message_id FROM message_ids WHERE seen_at < \(seenBefore.millisecondsSinceEpoch)
                LIMIT \(limit))
            RETURNING 1
            """
        )
        return rows.count
    }

    public func event(id: EventID, tenant: Tenant) async throws -> StoredEvent? {
        try await Self.storedEvents(
            database,
            """
            SELECT \(unescaped: Self.columns) FROM events
            WHERE id = \(id.description) AND client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId)
            """
        ).first?.stored
    }

    public func events(matching query: EventQuery) async throws -> [StoredEvent] {
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ sql: String, _ value: some PostgresNonThrowingEncodable) {
            bindings.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(bindings.count)"))
        }
        condition("client_id = ?", query.tenant.clientId)
        condition("account_id = ?", query.tenant.accountId)
        condition("brand_id = ?", query.tenant.brandId)
        if let userId = query.userId { condition("user_id = ?", userId) }
        if let name = query.eventName { condition("event_name = ?", name) }
        if let status = query.status { condition("status = ?", status.rawValue) }
        if let start = query.start { condition("event_time >= ?", start.millisecondsSinceEpoch) }
        if let end = query.end { condition("event_time < ?", end.millisecondsSinceEpoch) }
        bindings.append(query.size)
        bindings.append(query.from)
        let columns =
            query.withBodies
            ? Self.columns : Self.columns.replacingOccurrences(of: " body,", with: " ''::bytea AS body,")
        let sql = """
            SELECT \(columns) FROM events WHERE \(conditions.joined(separator: " AND "))
            ORDER BY seq DESC LIMIT $\(bindings.count - 1) OFFSET $\(bindings.count)
            """
        return try await Self.storedEvents(database, PostgresQuery(unsafeSQL: sql, binds: bindings)).map(\.stored)
    }

    static let columns = """
        seq, id, client_id, account_id, brand_id, token_id, action, event_name, user_id, anonymous_id,
        original_timestamp, event_time, received_at, body, status, customer_id, errors, message_id, group_id, previous_id
        """

    /// Reads rows of `columns`: each event with its place in the log.
    static func storedEvents(
        _ database: PostgresDatabase,
        _ query: PostgresQuery,
        on connection: PostgresConnection? = nil
    ) async throws -> [(sequence: Int64, stored: StoredEvent)] {
        let rows =
            if let connection {
                try await connection.query(query, logger: database.logger).collect()
            } else {
                try await database.query(query)
            }
        return try rows.map(decode)
    }

    private static func decode(_ row: PostgresRow) throws -> (Int64, StoredEvent) {
        let (
            seq, idText, client, account, brand, token, actionText, name, userId, anonymousId,
            original, eventTime, receivedAt, body, statusText, customerId, errors, messageId, groupId, previousId
        ) = try row.decode(
            (
                Int64, String, String, String, String, String, String, String?, String?, String?,
                String?, Int64, Int64, ByteBuffer, String, String?, ByteBuffer?, String?, String?, String?
            ).self
        )
        guard let id = EventID(idText), let action = EventAction(rawValue: actionText),
            let status = EventStatus(rawValue: statusText)
        else {
            throw StorageError.unreadableRow(table: "events", detail: "seq \(seq)")
        }
        let event = ValidatedEvent(
            action: action,
            eventName: name,
            userId: userId,
            anonymousId: anonymousId,
            originalTimestamp: original,
            eventTime: Timestamp(millisecondsSinceEpoch: eventTime),
            command: nil,
            groupId: groupId,
            previousId: previousId
        )
        let entry = EventLogEntry(
            id: id,
            tenant: Tenant(clientId: client, accountId: account, brandId: brand),
            tokenId: token,
            event: event,
            receivedAt: Timestamp(millisecondsSinceEpoch: receivedAt),
            body: Array(body.readableBytesView),
            messageId: messageId
        )
        let stored = StoredEvent(
            entry: entry,
            status: status,
            customerId: customerId,
            errors: errors.map { StoredJSON.errors(from: Array($0.readableBytesView)) } ?? []
        )
        return (seq, stored)
    }
}
