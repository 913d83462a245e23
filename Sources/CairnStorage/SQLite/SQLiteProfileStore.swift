import CairnCore
import Foundation
import GRDB

/// Customer profiles in SQLite: `customers`, `customer_aliases`, and the processing columns of `events`.
///
/// The processor's statements are cached and read columns by position: they run for every event.
public struct SQLiteProfileStore: ProfileStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func processPending(
        limit: Int,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await database.pool.write { db in
            let events = try Self.pendingEvents(db, limit: limit)
            guard let first = events.first else { return 0 }
            do {
                let snapshot = try Self.snapshot(db, keys: BatchKeys(of: events))
                try Self.commit(db, apply(events, snapshot), processedAt: .now())
            } catch  where Self.isRefusedData(error) {
                throw EventsRefused(sequence: first.sequence, reason: "\(error)")
            }
            return events.count
        }
    }

    /// One file has one processor reading the log in order: the event alone is the oldest waiting one.
    public func processPending(
        alone sequence: Int64,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await processPending(limit: 1, apply: apply)
    }

    /// Whether an error is the data's (a value the schema refuses, a row that cannot be read
    /// back) rather than the file's or the disk's.
    static func isRefusedData(_ error: any Error) -> Bool {
        if case .unreadableRow = error as? StorageError { return true }
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG].contains(error.resultCode)
    }

    public func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "UPDATE events SET status = 'failed', errors = ?, processed_at = ? WHERE seq = ? AND status = 'accepted'",
                arguments: [Data(StoredJSON.encode([error])), time.millisecondsSinceEpoch, sequence]
            )
        }
    }

    public func pendingEvents(limit: Int) async throws -> [LoggedEvent] {
        try await database.pool.read { db in try Self.pendingEvents(db, limit: limit) }
    }

    public func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await database.pool.read { db in
            try Self.snapshot(
                db,
                keys: BatchKeys(userIds: userIds, anonymousIds: anonymousIds),
                withAllAnonymousIds: true
            )
            .profiles.values.sorted { $0.customerId < $1.customerId }
        }
    }

    public func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await database.pool.write { db in try Self.commit(db, result, processedAt: processedAt) }
    }

    public func group(groupId: String, tenant: Tenant) async throws -> GroupProfile? {
        let key = IdentityKey(tenant, groupId)
        return try await database.pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.groupQuery), arguments: Self.arguments(key))
                .map { Self.decodeGroup($0, key) }
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

    static func save(_ profile: CustomerProfile, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO customers (id, client_id, account_id, brand_id, user_id, email, identified, traits,
                    trait_times, consent, first_seen, last_seen, group_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, email = excluded.email,
                    identified = excluded.identified, traits = excluded.traits, trait_times = excluded.trait_times,
                    consent = excluded.consent, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                    group_ids = excluded.group_ids
                """
        ).execute(
            arguments: [
                profile.customerId, profile.tenant.clientId, profile.tenant.accountId, profile.tenant.brandId,
                profile.userId, profile.email, profile.identified,
                Data(JSONValue.object(profile.traits).encoded()), Data(JSONValue.object(profile.traitTimes).encoded()),
                Data(StoredJSON.encode(profile.consent)), profile.firstSeen.millisecondsSinceEpoch,
                profile.lastSeen.millisecondsSinceEpoch,
                profile.groupIds.isEmpty ? nil : Data(StoredJSON.encode(profile.groupIds)),
            ]
        )
    }

    /// The customers columns, in the order `decodeProfile` reads them.
    static let columns = """
        customers.id, customers.client_id, customers.account_id, customers.brand_id, customers.user_id,
        customers.identified, customers.traits, customers.trait_times, customers.consent, customers.first_seen,
        customers.last_seen, customers.group_ids
        """

    static let groupQuery = """
        SELECT traits, trait_times, first_seen, last_seen FROM groups
        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND group_id = ?
        """

    private static func profile(
        _ db: Database,
        where condition: String,
        _ arguments: [String]
    ) throws
        -> [CustomerProfile]
    {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM customers WHERE \(condition) ORDER BY id")
        return try Row.fetchAll(statement, arguments: StatementArguments(arguments)).map {
            try decodeProfile($0, db, withAnonymousIds: true)
        }
    }

    /// Reads a row of `columns` by position (this runs for every profile the processor touches).
    static func decodeProfile(_ row: Row, _ db: Database, withAnonymousIds: Bool) throws -> CustomerProfile {
        let id: String = row[0]
        var anonymousIds: Set<String> = []
        if withAnonymousIds {
            let aliases = try db.cachedStatement(sql: "SELECT anonymous_id FROM customer_aliases WHERE customer_id = ?")
            anonymousIds = Set(try String.fetchAll(aliases, arguments: [id]))
        }
        return CustomerProfile(
            customerId: id,
            tenant: Tenant(clientId: row[1], accountId: row[2], brandId: row[3]),
            userId: row[4],
            anonymousIds: anonymousIds,
            identified: row[5],
            traits: StoredJSON.object(from: [UInt8](row[6] as Data)),
            traitTimes: StoredJSON.object(from: [UInt8](row[7] as Data)),
            consent: StoredJSON.consent(from: [UInt8](row[8] as Data)),
            groupIds: (row[11] as Data?).map { StoredJSON.strings(from: [UInt8]($0)) } ?? [],
            firstSeen: Timestamp(millisecondsSinceEpoch: row[9]),
            lastSeen: Timestamp(millisecondsSinceEpoch: row[10])
        )
    }

    /// Reads `traits, trait_times, first_seen, last_seen` of a groups row.
    static func decodeGroup(_ row: Row, _ key: IdentityKey) -> GroupProfile {
        GroupProfile(
            tenant: key.tenant,
            groupId: key.id,
            traits: StoredJSON.object(from: [UInt8](row[0] as Data)),
            traitTimes: StoredJSON.object(from: [UInt8](row[1] as Data)),
            firstSeen: Timestamp(millisecondsSinceEpoch: row[2]),
            lastSeen: Timestamp(millisecondsSinceEpoch: row[3])
        )
    }

    private static func tenantArguments(_ tenant: Tenant) -> [String] {
        [tenant.clientId, tenant.accountId, tenant.brandId]
    }

    static func arguments(_ key: IdentityKey) -> StatementArguments {
        [key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.id]
    }
}
