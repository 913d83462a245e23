public import CairnCore
import Foundation
import GRDB

/// Reads profiles, groups and timelines from SQLite for the read APIs.
public struct SQLiteProfileReader: ProfileReader {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func group(groupId: String, tenant: Tenant) async throws -> GroupProfile? {
        let key = IdentityKey(tenant, groupId)
        return try await database.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: SQLiteProfileRows.groupQuery),
                arguments: SQLiteProfileRows.arguments(key)
            )
            .map { SQLiteProfileRows.decodeGroup($0, key) }
        }
    }

    public func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await database.read { db in
            try SQLiteProfileRows.profile(
                db,
                where: "id = ? AND client_id = ? AND account_id = ? AND brand_id = ?",
                [customerId] + SQLiteProfileRows.tenantArguments(tenant)
            ).first
        }
    }

    /// The customer known by `userId`, or by it as a former userId (an alias merged away): the
    /// customer that events with that userId reach.
    public func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await database.read { db in
            let tenantArguments = SQLiteProfileRows.tenantArguments(tenant)
            if let byUser = try SQLiteProfileRows.profile(
                db,
                where: "user_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?",
                [userId] + tenantArguments
            ).first {
                return byUser
            }
            return try SQLiteProfileRows.profile(
                db,
                where: """
                    user_id IS NOT NULL AND id = (SELECT customer_id FROM customer_aliases
                        WHERE anonymous_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?)
                    """,
                [userId] + tenantArguments
            ).first
        }
    }

    public func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile] {
        try await database.read { db in
            try SQLiteProfileRows.profile(
                db,
                where: "lower(email) = lower(?) AND client_id = ? AND account_id = ? AND brand_id = ?",
                [email] + SQLiteProfileRows.tenantArguments(tenant)
            )
        }
    }

    public func timeline(
        customerId: String,
        tenant: Tenant,
        from: Int,
        size: Int,
        maxBytes: Int
    ) async throws -> [StoredEvent] {
        try await database.read { db in
            // The page's events by their stored size: only those that start within `maxBytes` are read.
            try Row.fetchAll(
                db,
                sql: """
                    WITH page AS (
                        SELECT seq, event_time, length(body) AS bytes FROM events
                        WHERE customer_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?
                        ORDER BY event_time DESC, seq DESC LIMIT ? OFFSET ?
                    ), running AS (
                        SELECT seq, sum(bytes) OVER (ORDER BY event_time DESC, seq DESC) - bytes AS before FROM page
                    )
                    SELECT e.* FROM events e JOIN running r ON r.seq = e.seq
                    WHERE r.before < ? OR r.before = 0
                    ORDER BY e.event_time DESC, e.seq DESC
                    """,
                arguments: StatementArguments(
                    [customerId] + SQLiteProfileRows.tenantArguments(tenant) + [size, from, maxBytes]
                )
            ).map(SQLiteEventLog.storedEvent(from:))
        }
    }
}
