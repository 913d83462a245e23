import CairnCore
import Foundation
import PostgresNIO

/// Customer profiles in PostgreSQL: `customers`, `customer_aliases`, `groups`, and the
/// processing columns of `events`. A processed batch is one transaction, read with set-based
/// queries (one per kind of id, not one per id) and written the same way.
public struct PostgresProfileStore: ProfileStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        let errors = ByteBuffer(bytes: StoredJSON.encode([error]))
        try await database.query(
            """
            UPDATE events SET status = 'failed', errors = \(errors), processed_at = \(time.millisecondsSinceEpoch)
            WHERE seq = \(sequence) AND status = 'accepted'
            """
        )
    }

    public func pendingEvents(limit: Int) async throws -> [LoggedEvent] {
        try await database.withConnection { connection in
            try await pendingEvents(limit: limit, on: connection)
        }
    }

    private func pendingEvents(limit: Int, on connection: PostgresConnection) async throws -> [LoggedEvent] {
        try await PostgresEventLog.storedEvents(
            database,
            """
            SELECT \(unescaped: PostgresEventLog.columns) FROM events
            WHERE status = 'accepted' ORDER BY seq LIMIT \(limit)
            """,
            on: connection
        ).map { LoggedEvent(sequence: $0.sequence, entry: $0.stored.entry) }
    }

    public func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await database.withConnection { connection in
            try await snapshot(
                BatchKeys(userIds: userIds, anonymousIds: anonymousIds),
                withAllAnonymousIds: true,
                on: connection
            )
            .profiles.values.sorted { $0.customerId < $1.customerId }
        }
    }

    public func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await database.transaction { connection in
            try await commit(result, processedAt: processedAt, on: connection)
        }
    }

    // MARK: - Lookups

    public func group(groupId: String, tenant: Tenant) async throws -> GroupProfile? {
        try await database.query(
            """
            SELECT client_id, account_id, brand_id, group_id, traits, trait_times, first_seen, last_seen FROM groups
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND group_id = \(groupId)
            """
        ).first.map(Self.decodeGroup)
    }

    public func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await profiles(
            """
            SELECT \(unescaped: Self.columns) FROM customers c WHERE c.id = \(customerId)
                AND c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId)
                AND c.brand_id = \(tenant.brandId)
            """
        ).first
    }

    public func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await profiles(
            """
            SELECT \(unescaped: Self.columns) FROM customers c WHERE c.user_id = \(userId)
                AND c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId)
                AND c.brand_id = \(tenant.brandId)
            """
        ).first
    }

    public func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile] {
        try await profiles(
            """
            SELECT \(unescaped: Self.columns) FROM customers c WHERE c.email = \(email)
                AND c.client_id = \(tenant.clientId) AND c.account_id = \(tenant.accountId)
                AND c.brand_id = \(tenant.brandId)
            ORDER BY c.id
            """
        )
    }

    public func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent] {
        try await PostgresEventLog.storedEvents(
            database,
            """
            SELECT \(unescaped: PostgresEventLog.columns) FROM events
            WHERE customer_id = \(customerId) AND client_id = \(tenant.clientId)
                AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
            ORDER BY event_time DESC, seq DESC LIMIT \(size) OFFSET \(from)
            """
        ).map(\.stored)
    }

    /// Profiles with every anonymousId they are known by.
    private func profiles(_ query: PostgresQuery) async throws -> [CustomerProfile] {
        try await database.withConnection { connection in
            var found: [CustomerProfile] = []
            for try await row in try await connection.query(query, logger: database.logger) {
                found.append(try Self.decodeProfile(row))
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
