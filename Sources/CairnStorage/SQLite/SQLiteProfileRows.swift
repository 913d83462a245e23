import CairnCore
import Foundation
import GRDB

/// How profiles and groups are laid out in SQLite rows, for the processor and the reader alike.
enum SQLiteProfileRows {

    /// Stores a profile. One a batch read (`existing`) is updated only if it still exists: a
    /// regulation may have deleted it, and writing it back would bring the person back.
    static func save(_ profile: CustomerProfile, existing: Bool, _ db: Database) throws {
        if existing {
            try db.cachedStatement(
                sql: """
                    UPDATE customers SET user_id = ?, email = ?, identified = ?, traits = ?, trait_times = ?,
                        consent = ?, first_seen = ?, last_seen = ?, group_ids = ?, devices = ?
                    WHERE id = ?
                    """
            ).execute(
                arguments: [
                    profile.userId, profile.email, profile.identified,
                    Data(JSONValue.object(profile.traits).encoded()),
                    Data(JSONValue.object(profile.traitTimes).encoded()), Data(StoredJSON.encode(profile.consent)),
                    profile.firstSeen.millisecondsSinceEpoch, profile.lastSeen.millisecondsSinceEpoch,
                    profile.groupIds.isEmpty ? nil : Data(StoredJSON.encode(profile.groupIds)),
                    StoredJSON.encode(profile.devices).map { Data($0) }, profile.customerId,
                ]
            )
            guard db.changesCount == 1 else { throw StorageError.customerDeleted }
            return
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO customers (id, client_id, account_id, brand_id, user_id, email, identified, traits,
                    trait_times, consent, first_seen, last_seen, group_ids, devices)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, email = excluded.email,
                    identified = excluded.identified, traits = excluded.traits, trait_times = excluded.trait_times,
                    consent = excluded.consent, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                    group_ids = excluded.group_ids, devices = excluded.devices
                """
        ).execute(
            arguments: [
                profile.customerId, profile.tenant.clientId, profile.tenant.accountId, profile.tenant.brandId,
                profile.userId, profile.email, profile.identified,
                Data(JSONValue.object(profile.traits).encoded()), Data(JSONValue.object(profile.traitTimes).encoded()),
                Data(StoredJSON.encode(profile.consent)), profile.firstSeen.millisecondsSinceEpoch,
                profile.lastSeen.millisecondsSinceEpoch,
                profile.groupIds.isEmpty ? nil : Data(StoredJSON.encode(profile.groupIds)),
                StoredJSON.encode(profile.devices).map { Data($0) },
            ]
        )
    }

    /// The customers columns, in the order `decodeProfile` reads them.
    static let columns = """
        customers.id, customers.client_id, customers.account_id, customers.brand_id, customers.user_id,
        customers.identified, customers.traits, customers.trait_times, customers.consent, customers.first_seen,
        customers.last_seen, customers.group_ids, customers.devices
        """

    static let groupQuery = """
        SELECT traits, trait_times, first_seen, last_seen FROM groups
        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND group_id = ?
        """

    static func profile(
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
            devices: (row[12] as Data?).map { StoredJSON.devices(from: [UInt8]($0)) } ?? [:],
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

    static func tenantArguments(_ tenant: Tenant) -> [String] {
        [tenant.clientId, tenant.accountId, tenant.brandId]
    }

    static func arguments(_ key: IdentityKey) -> StatementArguments {
        [key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.id]
    }
}
