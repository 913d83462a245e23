import CairnCore
import Foundation
import GRDB

/// Customer profiles in SQLite: `customers`, `customer_aliases`, and the processing columns of `events`.
public struct SQLiteProfileStore: ProfileStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func pendingEvents(limit: Int) async throws -> [LoggedEvent] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, client_id, account_id, brand_id, action, event_name, user_id, anonymous_id,
                        event_time, body
                    FROM events WHERE status = 'accepted' ORDER BY seq LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                let idText: String = row["id"]
                let actionText: String = row["action"]
                guard let id = EventID(idText), let action = TrackAction(rawValue: actionText) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable row in events")
                }
                return LoggedEvent(
                    sequence: row["seq"],
                    id: id,
                    tenant: Self.tenant(row),
                    action: action,
                    eventName: row["event_name"],
                    userId: row["user_id"],
                    anonymousId: row["anonymous_id"],
                    eventTime: Timestamp(millisecondsSinceEpoch: row["event_time"]),
                    body: [UInt8](row["body"] as Data)
                )
            }
        }
    }

    public func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await database.pool.read { db in
            var ids: Set<String> = []
            for key in userIds {
                let id = try String.fetchOne(
                    db,
                    sql:
                        "SELECT id FROM customers WHERE client_id = ? AND account_id = ? AND brand_id = ? AND user_id = ?",
                    arguments: Self.arguments(key)
                )
                if let id { ids.insert(id) }
            }
            for key in anonymousIds {
                let id = try String.fetchOne(
                    db,
                    sql: """
                        SELECT customer_id FROM customer_aliases
                        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND anonymous_id = ?
                        """,
                    arguments: Self.arguments(key)
                )
                if let id { ids.insert(id) }
            }
            return try ids.sorted().compactMap { try Self.profile(db, where: "id = ?", [$0]).first }
        }
    }

    public func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await database.pool.write { db in
            for (from, to) in result.mergedCustomers.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "UPDATE events SET customer_id = ? WHERE customer_id = ?", arguments: [to, from])
                try db.execute(sql: "DELETE FROM customers WHERE id = ?", arguments: [from])
            }
            for profile in result.profiles { try Self.save(profile, db) }
            let update = try db.cachedStatement(
                sql: """
                    UPDATE events SET status = ?, customer_id = ?, errors = ?, processed_at = ?
                    WHERE seq = ? AND status = 'accepted'
                    """
            )
            for outcome in result.outcomes {
                try update.execute(arguments: [
                    outcome.status.rawValue, outcome.customerId,
                    outcome.errors.isEmpty ? nil : Data(StoredJSON.encode(outcome.errors)),
                    processedAt.millisecondsSinceEpoch, outcome.sequence,
                ])
                guard db.changesCount == 1 else {
                    throw DatabaseError(
                        resultCode: .SQLITE_ABORT,
                        message: "event \(outcome.sequence) was already processed"
                    )
                }
            }
        }
    }

    public func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await database.pool.read { db in
            try Self.profile(
                db,
                where: "id = ? AND client_id = ? AND account_id = ? AND brand_id = ?",
                [customerId] + Self.tenantArguments(tenant)
            ).first
        }
    }

    public func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile? {
        try await database.pool.read { db in
            try Self.profile(
                db,
                where: "user_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?",
                [userId] + Self.tenantArguments(tenant)
            ).first
        }
    }

    public func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile] {
        try await database.pool.read { db in
            try Self.profile(
                db,
                where: "email = ? AND client_id = ? AND account_id = ? AND brand_id = ?",
                [email] + Self.tenantArguments(tenant)
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
                arguments: StatementArguments([customerId] + Self.tenantArguments(tenant) + [size, from])
            ).map(SQLiteEventLog.storedEvent(from:))
        }
    }

    // MARK: - Rows

    private static func save(_ profile: CustomerProfile, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO customers (id, client_id, account_id, brand_id, user_id, email, identified, traits,
                    trait_times, consent, first_seen, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, email = excluded.email,
                    identified = excluded.identified, traits = excluded.traits, trait_times = excluded.trait_times,
                    consent = excluded.consent, first_seen = excluded.first_seen, last_seen = excluded.last_seen
                """,
            arguments: [
                profile.customerId, profile.tenant.clientId, profile.tenant.accountId, profile.tenant.brandId,
                profile.userId, profile.email, profile.identified,
                Data(JSONValue.object(profile.traits).encoded()), Data(JSONValue.object(profile.traitTimes).encoded()),
                Data(StoredJSON.encode(profile.consent)), profile.firstSeen.millisecondsSinceEpoch,
                profile.lastSeen.millisecondsSinceEpoch,
            ]
        )
        try db.execute(sql: "DELETE FROM customer_aliases WHERE customer_id = ?", arguments: [profile.customerId])
        for anonymousId in profile.anonymousIds.sorted() {
            try db.execute(
                sql: """
                    INSERT INTO customer_aliases (client_id, account_id, brand_id, anonymous_id, customer_id)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET customer_id = excluded.customer_id
                    """,
                arguments: [
                    profile.tenant.clientId, profile.tenant.accountId, profile.tenant.brandId, anonymousId,
                    profile.customerId,
                ]
            )
        }
    }

    private static func profile(
        _ db: Database,
        where condition: String,
        _ arguments: [String]
    ) throws
        -> [CustomerProfile]
    {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM customers WHERE \(condition) ORDER BY id",
            arguments: StatementArguments(arguments)
        )
        .map { row in
            let id: String = row["id"]
            let anonymousIds = try String.fetchAll(
                db,
                sql: "SELECT anonymous_id FROM customer_aliases WHERE customer_id = ?",
                arguments: [id]
            )
            return CustomerProfile(
                customerId: id,
                tenant: tenant(row),
                userId: row["user_id"],
                anonymousIds: Set(anonymousIds),
                identified: row["identified"],
                traits: StoredJSON.object(from: [UInt8](row["traits"] as Data)),
                traitTimes: StoredJSON.object(from: [UInt8](row["trait_times"] as Data)),
                consent: StoredJSON.consent(from: [UInt8](row["consent"] as Data)),
                firstSeen: Timestamp(millisecondsSinceEpoch: row["first_seen"]),
                lastSeen: Timestamp(millisecondsSinceEpoch: row["last_seen"])
            )
        }
    }

    private static func tenant(_ row: Row) -> Tenant {
        Tenant(clientId: row["client_id"], accountId: row["account_id"], brandId: row["brand_id"])
    }

    private static func tenantArguments(_ tenant: Tenant) -> [String] {
        [tenant.clientId, tenant.accountId, tenant.brandId]
    }

    private static func arguments(_ key: IdentityKey) -> StatementArguments {
        [key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.id]
    }
}
