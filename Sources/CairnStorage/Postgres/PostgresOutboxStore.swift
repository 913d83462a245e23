public import CairnCore
import PostgresNIO

/// The outbox in PostgreSQL. Claims lock the rows they take and skip rows other nodes hold
/// (`FOR UPDATE SKIP LOCKED`), so any number of nodes share one outbox.
public struct PostgresOutboxStore: OutboxStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
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
        let rows = try await database.query("SELECT coalesce(sum(queued + sending), 0)::bigint FROM outbox_lanes")
        return try rows.first?.decode(Int.self) ?? 0
    }
}
