public import CairnCore
import PostgresNIO

/// Brands' channel providers in PostgreSQL.
public struct PostgresChannelStore: ChannelStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func put(_ record: ChannelRecord) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            let tenant = record.tenant
            try await PostgresBrandStore.ensure(tenant, at: record.updatedAt, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO brand_channels
                    (client_id, account_id, brand_id, channel, provider, sealed_settings, summary, updated_at,
                        max_in_flight)
                VALUES (\(tenant.clientId), \(tenant.accountId), \(tenant.brandId), \(record.channel.rawValue),
                    \(record.provider), \(ByteBuffer(bytes: record.sealedSettings)),
                    \(ByteBuffer(bytes: record.summary.encoded())), \(record.updatedAt.millisecondsSinceEpoch),
                    \(record.maxInFlight))
                ON CONFLICT (client_id, account_id, brand_id, channel) DO UPDATE SET provider = excluded.provider,
                    sealed_settings = excluded.sealed_settings, summary = excluded.summary,
                    updated_at = excluded.updated_at, max_in_flight = excluded.max_in_flight
                """,
                logger: logger
            )
        }
    }

    public func channels(tenant: Tenant) async throws -> [ChannelRecord] {
        let logger = database.logger
        return try await database.withConnection { connection in
            try await Self.channels(tenant, on: connection, logger: logger)
        }
    }

    public func channel(tenant: Tenant, channel: AssetChannel) async throws -> ChannelRecord? {
        try await channels(tenant: tenant).first { $0.channel == channel }
    }

    public func remove(tenant: Tenant, channel: AssetChannel) async throws -> Bool {
        let rows = try await database.query(
            """
            DELETE FROM brand_channels
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                AND channel = \(channel.rawValue)
            RETURNING channel
            """
        )
        return !rows.isEmpty
    }

    public func pushKey(tenant: Tenant) async throws -> [UInt8]? {
        let rows = try await database.query(
            """
            SELECT sealed_key FROM brand_push_keys
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
            """
        )
        return try rows.first.map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
    }

    public func keepPushKey(_ sealed: [UInt8], tenant: Tenant, at time: Timestamp) async throws -> [UInt8] {
        let logger = database.logger
        try await database.transaction { connection in
            try await PostgresBrandStore.ensure(tenant, at: time, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO brand_push_keys (client_id, account_id, brand_id, sealed_key, created_at)
                VALUES (\(tenant.clientId), \(tenant.accountId), \(tenant.brandId), \(ByteBuffer(bytes: sealed)),
                    \(time.millisecondsSinceEpoch))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        }
        return try await pushKey(tenant: tenant) ?? sealed
    }

    static func channels(
        _ tenant: Tenant,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws
        -> [ChannelRecord]
    {
        try await connection.query(
            """
            SELECT channel, provider, sealed_settings, summary, updated_at, max_in_flight FROM brand_channels
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
            ORDER BY channel
            """,
            logger: logger
        ).collect().compactMap { row in
            let (channelText, provider, sealed, summary, updated, maxInFlight) = try row.decode(
                (String, String, ByteBuffer, ByteBuffer, Int64, Int?).self
            )
            guard let channel = AssetChannel(rawValue: channelText) else { return nil }
            return ChannelRecord(
                tenant: tenant,
                channel: channel,
                provider: provider,
                sealedSettings: Array(sealed.readableBytesView),
                summary: (try? JSONParser.parse(Array(summary.readableBytesView))) ?? .object([:]),
                updatedAt: Timestamp(millisecondsSinceEpoch: updated),
                maxInFlight: maxInFlight
            )
        }
    }
}
