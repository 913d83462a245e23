public import CairnCore
import Foundation
import PostgresNIO

/// Reads profiles, groups and timelines from PostgreSQL for the read APIs.
public struct PostgresProfileReader: ProfileReader {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func group(groupId: String, tenant: Tenant) async throws -> GroupProfile? {
        try await database.query(
            """
            SELECT client_id, account_id, brand_id, group_id, traits, trait_times, first_seen, last_seen FROM groups
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND group_id = \(groupId)
            """
        ).first.map(PostgresProfileRows.decodeGroup)
    }

    public func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await profiles(
            """
            SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c WHERE c.id = \(customerId)
                AND c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId)
                AND c.brand_id = \(tenant.brandId)
            """
        ).first
    }

    /// The customer known by `userId`, or by it as a former userId (an alias merged away): the
    /// customer that events with that userId reach.
    public func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await profiles(
            """
            SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c
            WHERE c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId) AND c.brand_id = \(tenant.brandId)
                AND (c.user_id = \(userId) OR (c.user_id IS NOT NULL AND c.id = (
                    SELECT a.customer_id FROM customer_aliases a
                    WHERE a.anonymous_id = \(userId) AND a.client_id = \(tenant.clientId)
                        AND a.account_id = \(tenant.accountId) AND a.brand_id = \(tenant.brandId))))
            ORDER BY c.user_id = \(userId) DESC
            LIMIT 1
            """
        ).first
    }

    public func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile] {
        try await profiles(
            """
            SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c WHERE lower(c.email) = lower(\(email))
                AND c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId)
                AND c.brand_id = \(tenant.brandId)
            ORDER BY c.id
            """
        )
    }

    public func timeline(
        customerId: String,
        tenant: Tenant,
        from: Int,
        size: Int,
        maxBytes: Int
    ) async throws -> [StoredEvent] {
        // The page's events by their stored size: only those that start within `maxBytes` are read.
        try await PostgresEventLog.storedEvents(
            database,
            """
            WITH page AS (
                SELECT seq, event_time, length(body) AS bytes FROM events
                WHERE customer_id = \(customerId) AND client_id = \(tenant.clientId)
                    AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                ORDER BY event_time DESC, seq DESC LIMIT \(size) OFFSET \(from)
            ), running AS (
                SELECT seq, sum(bytes) OVER (ORDER BY event_time DESC, seq DESC) - bytes AS before FROM page
            )
            SELECT \(unescaped: PostgresEventLog.columns) FROM events JOIN running r USING (seq)
            WHERE r.before < \(maxBytes) OR r.before = 0
            ORDER BY event_time DESC, seq DESC
            """
        ).map(\.stored)
    }

    /// Profiles with every anonymousId they are known by.
    func profiles(_ query: PostgresQuery) async throws -> [CustomerProfile] {
        try await database.withConnection { connection in
            var found: [CustomerProfile] = []
            for try await row in try await connection.query(query, logger: database.logger) {
                found.append(try PostgresProfileRows.decodeProfile(row))
            }
            guard !found.isEmpty else { return [] }
            let ids = found.map(\.customerId)
            let rows = try await connection.query(
                "SELECT customer_id, anonymous_id FROM customer_aliases WHERE customer_id = ANY(\(ids))",
                logger: database.logger
            )
            var aliases: [String: Set<String>] = [:]
            for try await (customerId, anonymousId) in rows.decode((String, String).self) {
                aliases[customerId, default: []].insert(anonymousId)
            }
            return found.map { profile in
                var profile = profile
                profile.anonymousIds = aliases[profile.customerId] ?? []
                return profile
            }
        }
    }
}
