public import CairnCore
import Foundation
import PostgresNIO

/// Journeys and their versions in PostgreSQL. A change locks the journey's row (`FOR UPDATE`), so
/// two nodes changing one journey take turns and never number two versions alike.
public struct PostgresJourneyStore: JourneyStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    {
        let logger = database.logger
        let now = time.millisecondsSinceEpoch
        return try await database.transaction { connection in
            try await PostgresBrandStore.ensure(tenant, at: time, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO journeys (client_id, account_id, brand_id, journey_id, name, status, created_at, updated_at)
                VALUES (\(tenant.clientId), \(tenant.accountId), \(tenant.brandId), \(journeyId), \(name), 'draft',
                    \(now), \(now))
                """,
                logger: logger
            )
            try await Self.addVersion(tenant, journeyId, definition, now, on: connection, logger: logger)
            return try await Self.journey(tenant, journeyId, on: connection, logger: logger)
        }
    }

    public func saveDraft(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    {
        let logger = database.logger
        let now = time.millisecondsSinceEpoch
        return try await database.transaction { connection in
            _ = try await Self.lockChangeable(tenant, journeyId, on: connection, logger: logger)
            try await connection.query(
                """
                UPDATE journeys SET name = \(name), updated_at = \(now)
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId)
                """,
                logger: logger
            )
            try await Self.addVersion(tenant, journeyId, definition, now, on: connection, logger: logger)
            return try await Self.journey(tenant, journeyId, on: connection, logger: logger)
        }
    }

    public func publish(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey {
        let logger = database.logger
        let now = time.millisecondsSinceEpoch
        return try await database.transaction { connection in
            let journey = try await Self.lockChangeable(tenant, journeyId, on: connection, logger: logger)
            guard let draft = journey.draft else { throw JourneyStoreError.noDraft }
            try await connection.query(
                """
                UPDATE journey_versions SET published_at = \(now)
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId) AND version = \(draft.version)
                """,
                logger: logger
            )
            let status = journey.status == .paused ? "paused" : "live"
            try await connection.query(
                """
                UPDATE journeys SET live_version = \(draft.version), status = \(status), updated_at = \(now)
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId)
                """,
                logger: logger
            )
            return try await Self.journey(tenant, journeyId, on: connection, logger: logger)
        }
    }

    public func setPaused(_ paused: Bool, tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey
    {
        let logger = database.logger
        let now = time.millisecondsSinceEpoch
        return try await database.transaction { connection in
            let journey = try await Self.lockChangeable(tenant, journeyId, on: connection, logger: logger)
            guard journey.liveVersion != nil else { throw JourneyStoreError.notLive }
            let status = paused ? "paused" : "live"
            try await connection.query(
                """
                UPDATE journeys SET status = \(status), updated_at = \(now)
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId)
                """,
                logger: logger
            )
            return try await Self.journey(tenant, journeyId, on: connection, logger: logger)
        }
    }

    public func archive(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE journeys SET status = 'archived', updated_at = \(time.millisecondsSinceEpoch)
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId) AND status <> 'archived'
            RETURNING journey_id
            """
        )
        return !rows.isEmpty
    }

    public func journey(tenant: Tenant, journeyId: String) async throws -> Journey? {
        let logger = database.logger
        return try await database.withConnection { connection in
            do {
                return try await Self.journey(tenant, journeyId, on: connection, logger: logger)
            } catch JourneyStoreError.notFound {
                return nil
            }
        }
    }

    public func journeys(tenant: Tenant, limit: Int, before: String?) async throws -> [Journey] {
        let logger = database.logger
        return try await database.withConnection { connection in
            var cursor: (Int64, String)?
            if let before {
                let rows = try await connection.query(
                    """
                    SELECT created_at FROM journeys
                    WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                        AND brand_id = \(tenant.brandId) AND journey_id = \(before)
                    """,
                    logger: logger
                ).collect()
                if let row = rows.first { cursor = (try row.decode(Int64.self), before) }
            }
            let (createdBefore, idBefore) = cursor ?? (Int64.max, "")
            let unbounded = cursor == nil
            let ids = try await connection.query(
                """
                SELECT journey_id FROM journeys
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId)
                    AND (\(unbounded) OR (created_at, journey_id) < (\(createdBefore), \(idBefore)))
                ORDER BY created_at DESC, journey_id DESC LIMIT \(limit)
                """,
                logger: logger
            ).collect().map { try $0.decode(String.self) }
            var journeys: [Journey] = []
            for id in ids { journeys.append(try await Self.journey(tenant, id, on: connection, logger: logger)) }
            return journeys
        }
    }

    /// Locks the journey's row for the rest of the transaction; it, unless missing or archived.
    private static func lockChangeable(
        _ tenant: Tenant,
        _ journeyId: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Journey {
        let rows = try await connection.query(
            """
            SELECT status FROM journeys
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId)
            FOR UPDATE
            """,
            logger: logger
        ).collect()
        guard rows.first != nil else { throw JourneyStoreError.notFound }
        let journey = try await journey(tenant, journeyId, on: connection, logger: logger)
        guard journey.status != .archived else { throw JourneyStoreError.archived }
        return journey
    }

    private static func addVersion(
        _ tenant: Tenant,
        _ journeyId: String,
        _ definition: JSONValue,
        _ now: Int64,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        try await connection.query(
            """
            INSERT INTO journey_versions (client_id, account_id, brand_id, journey_id, version, definition, created_at)
            SELECT \(client), \(account), \(brand), \(journeyId), coalesce(max(version), 0) + 1,
                \(Data(definition.encoded())), \(now)
            FROM journey_versions
            WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND journey_id = \(journeyId)
            """,
            logger: logger
        )
    }

    /// The journey with its versions; throws `JourneyStoreError.notFound` when there is none.
    static func journey(
        _ tenant: Tenant,
        _ journeyId: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Journey {
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        let rows = try await connection.query(
            """
            SELECT name, status, live_version, created_at, updated_at FROM journeys
            WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND journey_id = \(journeyId)
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { throw JourneyStoreError.notFound }
        let (name, status, live, created, updated) = try row.decode((String, String, Int?, Int64, Int64).self)
        var versions: [JourneyVersion] = []
        for version in try await connection.query(
            """
            SELECT version, definition, created_at, published_at FROM journey_versions
            WHERE client_id = \(client) AND account_id = \(account) AND brand_id = \(brand) AND journey_id = \(journeyId)
            ORDER BY version
            """,
            logger: logger
        ).collect() {
            let (number, definition, versionCreated, published) = try version.decode((Int, Data, Int64, Int64?).self)
            versions.append(
                JourneyVersion(
                    version: number,
                    definition: try JourneyRows.definition([UInt8](definition)),
                    createdAt: Timestamp(millisecondsSinceEpoch: versionCreated),
                    publishedAt: published.map(Timestamp.init(millisecondsSinceEpoch:))
                )
            )
        }
        return Journey(
            tenant: tenant,
            journeyId: journeyId,
            name: name,
            status: try JourneyRows.status(status),
            liveVersion: live,
            versions: versions,
            createdAt: Timestamp(millisecondsSinceEpoch: created),
            updatedAt: Timestamp(millisecondsSinceEpoch: updated)
        )
    }
}
