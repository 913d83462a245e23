public import CairnCore
import Foundation
import GRDB

/// Assets and their versions in SQLite. Each change is one write transaction (SQLite's single
/// writer), so reading the asset and then changing it cannot race another change.
public struct SQLiteAssetStore: AssetStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func saveDraft(_ draft: AssetDraft, at time: Timestamp) async throws -> Asset {
        try await database.write { db in
            let tenant = draft.tenant
            let key = Self.key(tenant, draft.assetId)
            if let existing = try Self.asset(tenant, draft.assetId, db) {
                guard existing.archivedAt == nil else { throw AssetStoreError.archived }
                guard existing.channel == draft.channel else {
                    throw AssetStoreError.channelMismatch(existing: existing.channel)
                }
                try db.execute(
                    sql: """
                        UPDATE assets SET name = coalesce(?, name), updated_at = ?
                        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND asset_id = ?
                        """,
                    arguments: [draft.name, time.millisecondsSinceEpoch] + key
                )
            } else {
                try SQLiteBrandStore.ensure(tenant, at: time, db)
                try db.execute(
                    sql: """
                        INSERT INTO assets (client_id, account_id, brand_id, asset_id, name, channel, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: key
                        + [
                            draft.name, draft.channel.rawValue, time.millisecondsSinceEpoch,
                            time.millisecondsSinceEpoch,
                        ]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO asset_versions (client_id, account_id, brand_id, asset_id, version, purpose, content, created_at)
                    SELECT ?, ?, ?, ?, coalesce(max(version), 0) + 1, ?, ?, ? FROM asset_versions
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND asset_id = ?
                    """,
                arguments: key
                    + [draft.purpose.rawValue, Data(draft.content.encoded()), time.millisecondsSinceEpoch] + key
            )
            // Written just above, in this transaction.
            return try Self.asset(tenant, draft.assetId, db)!
        }
    }

    public func publish(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Asset {
        try await database.write { db in
            guard let asset = try Self.asset(tenant, assetId, db) else { throw AssetStoreError.notFound }
            guard asset.archivedAt == nil else { throw AssetStoreError.archived }
            guard let draft = asset.draft else { throw AssetStoreError.noDraft }
            let key = Self.key(tenant, assetId)
            let matching = "client_id = ? AND account_id = ? AND brand_id = ? AND asset_id = ?"
            try db.execute(sql: "UPDATE asset_versions SET live = 0 WHERE \(matching) AND live = 1", arguments: key)
            try db.execute(
                sql: "UPDATE asset_versions SET live = 1, published_at = ? WHERE \(matching) AND version = ?",
                arguments: [time.millisecondsSinceEpoch] + key + [draft.version]
            )
            try db.execute(
                sql: "UPDATE assets SET live_version = ?, updated_at = ? WHERE \(matching)",
                arguments: [draft.version, time.millisecondsSinceEpoch] + key
            )
            // Read just above, in this transaction.
            return try Self.asset(tenant, assetId, db)!
        }
    }

    public func archive(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE assets SET archived_at = ?, updated_at = ?
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND asset_id = ? AND archived_at IS NULL
                    """,
                arguments: [time.millisecondsSinceEpoch, time.millisecondsSinceEpoch] + Self.key(tenant, assetId)
            )
            return db.changesCount > 0
        }
    }

    public func asset(tenant: Tenant, assetId: String) async throws -> Asset? {
        try await database.read { db in try Self.asset(tenant, assetId, db) }
    }

    public func assets(tenant: Tenant) async throws -> [Asset] {
        try await database.read { db in
            let ids = try String.fetchAll(
                db,
                sql:
                    "SELECT asset_id FROM assets WHERE client_id = ? AND account_id = ? AND brand_id = ? ORDER BY asset_id",
                arguments: [tenant.clientId, tenant.accountId, tenant.brandId]
            )
            return try ids.compactMap { try Self.asset(tenant, $0, db) }
        }
    }

    private static func key(_ tenant: Tenant, _ assetId: String) -> StatementArguments {
        [tenant.clientId, tenant.accountId, tenant.brandId, assetId]
    }

    static func asset(_ tenant: Tenant, _ assetId: String, _ db: Database) throws -> Asset? {
        let key = Self.key(tenant, assetId)
        let match = "client_id = ? AND account_id = ? AND brand_id = ? AND asset_id = ?"
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM assets WHERE \(match)", arguments: key) else {
            return nil
        }
        let versions = try Row.fetchAll(
            db,
            sql: "SELECT * FROM asset_versions WHERE \(match) ORDER BY version",
            arguments: key
        ).map(version)
        let channelText: String = row["channel"]
        guard let channel = AssetChannel(rawValue: channelText) else {
            throw StorageError.unreadableRow(table: "assets", detail: "unknown channel \(channelText)")
        }
        let archivedAt: Int64? = row["archived_at"]
        return Asset(
            tenant: tenant,
            assetId: assetId,
            name: row["name"],
            channel: channel,
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            updatedAt: Timestamp(millisecondsSinceEpoch: row["updated_at"]),
            archivedAt: archivedAt.map(Timestamp.init(millisecondsSinceEpoch:)),
            liveVersion: row["live_version"],
            versions: versions
        )
    }

    static func version(_ row: Row) throws -> AssetVersion {
        let purposeText: String = row["purpose"]
        guard let purpose = AssetPurpose(rawValue: purposeText) else {
            throw StorageError.unreadableRow(table: "asset_versions", detail: "unknown purpose \(purposeText)")
        }
        let publishedAt: Int64? = row["published_at"]
        return AssetVersion(
            version: row["version"],
            purpose: purpose,
            content: try content([UInt8](row["content"] as Data)),
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            publishedAt: publishedAt.map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }

    static func content(_ bytes: [UInt8]) throws -> JSONValue {
        do throws(JSONParseError) {
            return try JSONParser.parse(bytes, maxDepth: 512)
        } catch {
            throw StorageError.unreadableRow(table: "asset_versions", detail: "content is not JSON")
        }
    }
}
