public import CairnCore
import Foundation
import GRDB

/// The event log in SQLite. `append` writes a whole group in one transaction (one fsync).
public struct SQLiteEventLog: EventLogStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    private static let insertSQL = """
        INSERT INTO events (id, client_id, account_id, brand_id, token_id, action, event_name, user_id,
            anonymous_id, original_timestamp, event_time, received_at, body, message_id, group_id, previous_id,
            processing_partition)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Claims a messageId for its token unless a use at or after the cutoff holds it.
    private static let claimMessageIdSQL = """
        INSERT INTO message_ids (token_id, message_id, seen_at) VALUES (?, ?, ?)
        ON CONFLICT (token_id, message_id) DO UPDATE SET seen_at = excluded.seen_at
        WHERE message_ids.seen_at < ?
        """

    public func append(_ entries: [EventLogEntry], duplicatesSince: Timestamp) async throws -> [EventID] {
        guard !entries.isEmpty else { return [] }
        return try await database.write { db in
            try Self.append(entries, duplicatesSince: duplicatesSince, db)
        }
    }

    /// Appends within a write transaction of the caller's (an outcome's effects log with it).
    static func append(_ entries: [EventLogEntry], duplicatesSince: Timestamp, _ db: Database) throws -> [EventID] {
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        var duplicates: [EventID] = []
        for entry in entries {
            if let messageId = entry.messageId {
                try db.cachedStatement(sql: Self.claimMessageIdSQL).execute(arguments: [
                    entry.tokenId, messageId, entry.receivedAt.millisecondsSinceEpoch,
                    duplicatesSince.millisecondsSinceEpoch,
                ])
                if db.changesCount == 0 {
                    duplicates.append(entry.id)
                    continue
                }
            }
            let event = entry.event
            try statement.execute(arguments: [
                entry.id.description,
                entry.tenant.clientId,
                entry.tenant.accountId,
                entry.tenant.brandId,
                entry.tokenId,
                event.action.rawValue,
                event.eventName,
                event.userId,
                event.anonymousId,
                event.originalTimestamp,
                event.eventTime.millisecondsSinceEpoch,
                entry.receivedAt.millisecondsSinceEpoch,
                Data(entry.body),
                entry.messageId,
                event.groupId,
                event.previousId,
                ProcessingPartition.of(entry),
            ])
        }
        return duplicates
    }

    public func pruneMessageIds(seenBefore: Timestamp, limit: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM message_ids WHERE (token_id, message_id) IN (
                        SELECT token_id, message_id FROM message_ids WHERE seen_at < ? LIMIT ?)
                    """,
                arguments: [seenBefore.millisecondsSinceEpoch, limit]
            )
            return db.changesCount
        }
    }

    public func event(id: EventID, tenant: Tenant) async throws -> StoredEvent? {
        try await database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM events
                    WHERE id = ? AND client_id = ? AND account_id = ? AND brand_id = ?
                    """,
                arguments: [id.description, tenant.clientId, tenant.accountId, tenant.brandId]
            )
            return try row.map(Self.storedEvent(from:))
        }
    }

    /// Every column `storedEvent(from:)` reads, with an empty body in place of the stored one.
    static let columnsWithoutBody = """
        seq, id, client_id, account_id, brand_id, token_id, action, event_name, user_id, anonymous_id,
        original_timestamp, event_time, received_at, X'' AS body, status, customer_id, errors, message_id, group_id,
        previous_id
        """

    public func events(matching query: EventQuery) async throws -> [StoredEvent] {
        var conditions = ["client_id = ?", "account_id = ?", "brand_id = ?"]
        var arguments: StatementArguments = [query.tenant.clientId, query.tenant.accountId, query.tenant.brandId]
        if let userId = query.userId {
            conditions.append("user_id = ?")
            _ = arguments.append(contentsOf: [userId])
        }
        if let name = query.eventName {
            conditions.append("event_name = ?")
            _ = arguments.append(contentsOf: [name])
        }
        if let status = query.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let start = query.start {
            conditions.append("event_time >= ?")
            _ = arguments.append(contentsOf: [start.millisecondsSinceEpoch])
        }
        if let end = query.end {
            conditions.append("event_time < ?")
            _ = arguments.append(contentsOf: [end.millisecondsSinceEpoch])
        }
        _ = arguments.append(contentsOf: [query.size, query.from])
        let columns = query.withBodies ? "*" : Self.columnsWithoutBody
        let sql =
            "SELECT \(columns) FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq DESC LIMIT ? OFFSET ?"
        let frozen = arguments
        return try await database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: frozen).map(Self.storedEvent(from:))
        }
    }

    static func storedEvent(from row: Row) throws -> StoredEvent {
        let idText: String = row["id"]
        let actionText: String = row["action"]
        let statusText: String = row["status"]
        guard let id = EventID(idText), let action = EventAction(rawValue: actionText),
            let status = EventStatus(rawValue: statusText)
        else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable row in events")
        }
        let body = [UInt8](row["body"] as Data)
        let event = ValidatedEvent(
            action: action,
            eventName: row["event_name"],
            userId: row["user_id"],
            anonymousId: row["anonymous_id"],
            originalTimestamp: row["original_timestamp"],
            eventTime: Timestamp(millisecondsSinceEpoch: row["event_time"]),
            command: nil,
            groupId: row["group_id"],
            previousId: row["previous_id"]
        )
        let entry = EventLogEntry(
            id: id,
            tenant: Tenant(clientId: row["client_id"], accountId: row["account_id"], brandId: row["brand_id"]),
            tokenId: row["token_id"],
            event: event,
            receivedAt: Timestamp(millisecondsSinceEpoch: row["received_at"]),
            body: body,
            messageId: row["message_id"]
        )
        let errors: Data? = row["errors"]
        return StoredEvent(
            entry: entry,
            status: status,
            customerId: row["customer_id"],
            errors: errors.map { StoredJSON.errors(from: [UInt8]($0)) } ?? []
        )
    }
}
