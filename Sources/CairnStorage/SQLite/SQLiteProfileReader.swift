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
        return try await database.pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: SQLiteProfileRows.groupQuery),
                arguments: SQLiteProfileRows.arguments(key)
            )
            .map { SQLiteProfileRows.decodeGroup($0, key) }
        }
    }

    public func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await database.pool.read { db in
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
        try await database.pool.read { db in
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
        try await database.pool.read { db in
            try SQLiteProfileRows.profile(
                db,
                where: "lower(email) = lower(?) AND client_id = ? AND account_id = ? AND brand_id = ?",
                [email] + SQLiteProfileRows.tenantArguments(tenant)
            )
        }
    }

    public func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM events
                    WHERE customer_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?
                    ORDER BY event_time DESC, seq DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments([customerId] + SQLiteProfileRows.tenantArguments(tenant) + [size, from])
            ).map(SQLiteEventLog.storedEvent(from:))
        }
    }
}
