public import CairnCore
import Foundation
import GRDB

/// The outbox in SQLite: claims (`+Claims`), outcomes and receipts (`+Outcomes`), and reads.
public struct SQLiteOutboxStore: OutboxStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
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
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(queued + sending), 0) FROM outbox_lanes") ?? 0
        }
    }
}
