public import CairnCore
import Foundation
import PostgresNIO

/// Assets and their versions in PostgreSQL. A change locks the asset's row (`FOR UPDATE`), so
/// two nodes saving or publishing one asset take turns and never number two versions alike.
public struct PostgresAssetStore: AssetStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func saveDraft(_ draft: AssetDraft, at time: Timestamp) async throws -> Asset {
        let (tenant, assetId, now) = (draft.tenant, draft.assetId, time.millisecondsSinceEpoch)
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        let logger = database.logger
        return try await database.transaction { connection in
            try await PostgresBrandStore.ensure(tenant, at: time, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO assets (client_id, account_id, brand_id, asset_id, name, channel, created_at, updated_at)
                VALUES (\(client), \(account), \(brand), \(assetId), \(draft.name), \(draft.channel.rawValue), \(now), \(now))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
            let (channel, archived) = try await Self.lock(tenant, assetId, on: connection, logger: logger)
            guard archived == nil else { throw AssetStoreError.archived }
            guard channel == draft.channel else { throw AssetStoreError.channelMismatch(existing: channel) }
            try await connection.query(
                """
                UPDATE assets SET name = coalesce(\(draft.name), name), updated_at = \(now)
                WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO asset_versions (client_id, account_id, brand_id, asset_id, version, purpose, content, created_at)
                SELECT \(client), \(account), \(brand), \(assetId), coalesce(max(version), 0) + 1,
                    \(draft.purpose.rawValue), \(Data(draft.content.encoded())), \(now)
                FROM asset_versions
                WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
                """,
                logger: logger
            )
            return try await Self.asset(tenant, assetId, on: connection, logger: logger)
        }
    }

    public func publish(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Asset {
        let (client, account, brand, now) = (
            tenant.clientId, tenant.accountId, tenant.brandId, time.millisecondsSinceEpoch
        )
        let logger = database.logger
        return try await database.transaction { connection in
            let (_, archived) = try await Self.lock(tenant, assetId, on: connection, logger: logger)
            guard archived == nil else { throw AssetStoreError.archived }
            let asset = try await Self.asset(tenant, assetId, on: connection, logger: logger)
            guard let draft = asset.draft else { throw AssetStoreError.noDraft }
            try await connection.query(
                """
                UPDATE asset_versions SET live = false
                WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
                    AND live
                """,
                logger: logger
            )
            try await connection.query(
                """
                UPDATE asset_versions SET live = true, published_at = \(now)
                WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
                    AND version = \(draft.version)
                """,
                logger: logger
            )
            try await connection.query(
                """
                UPDATE assets SET live_version = \(draft.version), updated_at = \(now)
                WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
                """,
                logger: logger
            )
            return try await Self.asset(tenant, assetId, on: connection, logger: logger)
        }
    }

    public func archive(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Bool {
        let now = time.millisecondsSinceEpoch
        let rows = try await database.query(
            """
            UPDATE assets SET archived_at = \(now), updated_at = \(now)
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                AND asset_id = \(assetId) AND archived_at IS NULL
            RETURNING asset_id
            """
        )
        return !rows.isEmpty
    }

    public func asset(tenant: Tenant, assetId: String) async throws -> Asset? {
        let logger = database.logger
        return try await database.transaction { connection in
            // The asset's row and its versions from one snapshot, whatever a publish does meanwhile.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            do {
                return try await Self.asset(tenant, assetId, on: connection, logger: logger)
            } catch AssetStoreError.notFound {
                return nil
            }
        }
    }

    public func assets(tenant: Tenant) async throws -> [Asset] {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let ids = try await connection.query(
                """
                SELECT asset_id FROM assets
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                ORDER BY asset_id
                """,
                logger: logger
            ).collect().map { try $0.decode(String.self) }
            var assets: [Asset] = []
            for id in ids { assets.append(try await Self.asset(tenant, id, on: connection, logger: logger)) }
            return assets
        }
    }

    /// Locks the asset's row for the rest of the transaction; its channel and archive time.
    private static func lock(
        _ tenant: Tenant,
        _ assetId: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> (AssetChannel, Int64?) {
        let rows = try await connection.query(
            """
            SELECT channel, archived_at FROM assets
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                AND asset_id = \(assetId)
            FOR UPDATE
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { throw AssetStoreError.notFound }
        let (channelText, archived) = try row.decode((String, Int64?).self)
        return (try channel(channelText), archived)
    }

    /// The asset with its versions; throws `AssetStoreError.notFound` when there is none.
    static func asset(
        _ tenant: Tenant,
        _ assetId: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Asset {
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        let rows = try await connection.query(
            """
            SELECT name, channel, created_at, updated_at, archived_at, live_version FROM assets
            WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { throw AssetStoreError.notFound }
        let (name, channelText, created, updated, archived, live) = try row.decode(
            (String?, String, Int64, Int64, Int64?, Int?).self
        )
        var versions: [AssetVersion] = []
        for version in try await connection.query(
            """
            SELECT version, purpose, content, created_at, published_at FROM asset_versions
            WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND asset_id = \(assetId)
            ORDER BY version
            """,
            logger: logger
        ).collect() {
            let (number, purposeText, content, versionCreated, published) = try version.decode(
                (Int, String, Data, Int64, Int64?).self
            )
            guard let purpose = AssetPurpose(rawValue: purposeText) else {
                throw StorageError.unreadableRow(table: "asset_versions", detail: "unknown purpose \(purposeText)")
            }
            versions.append(
                AssetVersion(
                    version: number,
                    purpose: purpose,
                    content: try SQLiteAssetStore.content([UInt8](content)),
                    createdAt: Timestamp(millisecondsSinceEpoch: versionCreated),
                    publishedAt: published.map(Timestamp.init(millisecondsSinceEpoch:))
                )
            )
        }
        return Asset(
            tenant: tenant,
            assetId: assetId,
            name: name,
            channel: try channel(channelText),
            createdAt: Timestamp(millisecondsSinceEpoch: created),
            updatedAt: Timestamp(millisecondsSinceEpoch: updated),
            archivedAt: archived.map(Timestamp.init(millisecondsSinceEpoch:)),
            liveVersion: live,
            versions: versions
        )
    }

    private static func channel(_ text: String) throws -> AssetChannel {
        guard let channel = AssetChannel(rawValue: text) else {
            throw StorageError.unreadableRow(table: "assets", detail: "unknown channel \(text)")
        }
        return channel
    }
}
