public import CairnCore
import Foundation
import GRDB

/// Brands' channel providers in SQLite.
public struct SQLiteChannelStore: ChannelStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func put(_ record: ChannelRecord) async throws {
        try await database.write { db in
            try SQLiteBrandStore.ensure(record.tenant, at: record.updatedAt, db)
            try db.execute(
                sql: """
                    INSERT INTO brand_channels
                        (client_id, account_id, brand_id, channel, provider, sealed_settings, summary, updated_at,
                        max_in_flight)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (client_id, account_id, brand_id, channel) DO UPDATE SET provider = excluded.provider,
                        sealed_settings = excluded.sealed_settings, summary = excluded.summary,
                        updated_at = excluded.updated_at, max_in_flight = excluded.max_in_flight
                    """,
                arguments: Self.key(record.tenant) + [
                    record.channel.rawValue, record.provider, Data(record.sealedSettings),
                    Data(record.summary.encoded()), record.updatedAt.millisecondsSinceEpoch, record.maxInFlight,
                ]
            )
        }
    }

    public func channels(tenant: Tenant) async throws -> [ChannelRecord] {
        try await database.read { db in try Self.channels(tenant, db) }
    }

    public func channel(tenant: Tenant, channel: AssetChannel) async throws -> ChannelRecord? {
        try await database.read { db in try Self.channels(tenant, db).first { $0.channel == channel } }
    }

    public func remove(tenant: Tenant, channel: AssetChannel) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql:
                    "DELETE FROM brand_channels WHERE client_id = ? AND account_id = ? AND brand_id = ? AND channel = ?",
                arguments: Self.key(tenant) + [channel.rawValue]
            )
            return db.changesCount > 0
        }
    }

    public func pushKey(tenant: Tenant) async throws -> [UInt8]? {
        try await database.read { db in try Self.pushKey(tenant, db) }
    }

    public func keepPushKey(_ sealed: [UInt8], tenant: Tenant, at time: Timestamp) async throws -> [UInt8] {
        try await database.write { db in
            try SQLiteBrandStore.ensure(tenant, at: time, db)
            try db.execute(
                sql: """
                    INSERT INTO brand_push_keys (client_id, account_id, brand_id, sealed_key, created_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: Self.key(tenant) + [Data(sealed), time.millisecondsSinceEpoch]
            )
            return try Self.pushKey(tenant, db) ?? sealed
        }
    }

    static func pushKey(_ tenant: Tenant, _ db: Database) throws -> [UInt8]? {
        try Data.fetchOne(
            db,
            sql: "SELECT sealed_key FROM brand_push_keys WHERE client_id = ? AND account_id = ? AND brand_id = ?",
            arguments: key(tenant)
        ).map { [UInt8]($0) }
    }

    static func key(_ tenant: Tenant) -> StatementArguments {
        [tenant.clientId, tenant.accountId, tenant.brandId]
    }

    static func channels(_ tenant: Tenant, _ db: Database) throws -> [ChannelRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT channel, provider, sealed_settings, summary, updated_at, max_in_flight FROM brand_channels
                WHERE client_id = ? AND account_id = ? AND brand_id = ? ORDER BY channel
                """,
            arguments: key(tenant)
        ).compactMap { row in
            guard let channel = AssetChannel(rawValue: row[0]) else { return nil }
            return ChannelRecord(
                tenant: tenant,
                channel: channel,
                provider: row[1],
                sealedSettings: [UInt8](row[2] as Data),
                summary: (try? JSONParser.parse([UInt8](row[3] as Data))) ?? .object([:]),
                updatedAt: Timestamp(millisecondsSinceEpoch: row[4]),
                maxInFlight: row[5]
            )
        }
    }
}
