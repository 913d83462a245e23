public import CairnCore
import PostgresNIO

/// Brands in PostgreSQL.
public struct PostgresBrandStore: BrandStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func ensure(_ tenants: Set<Tenant>, at time: Timestamp) async throws {
        guard !tenants.isEmpty else { return }
        let sorted = tenants.sorted {
            ($0.clientId, $0.accountId, $0.brandId) < ($1.clientId, $1.accountId, $1.brandId)
        }
        let (clients, accounts, brands) = (sorted.map(\.clientId), sorted.map(\.accountId), sorted.map(\.brandId))
        let now = time.millisecondsSinceEpoch
        try await database.query(
            """
            INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
            SELECT c, a, b, b, \(Brand.defaultTimeZone), \(now), \(now) FROM unnest(\(clients), \(accounts), \(brands)) AS t(c, a, b)
            ON CONFLICT DO NOTHING
            """
        )
    }

    static func ensure(
        _ tenant: Tenant,
        at time: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let now = time.millisecondsSinceEpoch
        try await connection.query(
            """
            INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
            VALUES (\(tenant.clientId), \(tenant.accountId), \(tenant.brandId), \(tenant.brandId), \(Brand.defaultTimeZone),
                \(now), \(now))
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    public func save(_ tenant: Tenant, name: String, timeZone: String, at time: Timestamp) async throws -> Brand {
        let now = time.millisecondsSinceEpoch
        let rows = try await database.query(
            """
            INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
            VALUES (\(tenant.clientId), \(tenant.accountId), \(tenant.brandId), \(name), \(timeZone), \(now), \(now))
            ON CONFLICT (client_id, account_id, brand_id)
            DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, updated_at = excluded.updated_at
            RETURNING \(unescaped: Self.columns)
            """
        )
        guard let row = rows.first else {
            throw StorageError.unreadableRow(table: "brands", detail: "the saved brand was not returned")
        }
        return try Self.brand(row)
    }

    public func brand(_ tenant: Tenant) async throws -> Brand? {
        try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM brands
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
            """
        ).first.map(Self.brand)
    }

    public func list() async throws -> [Brand] {
        try await database.query(
            "SELECT \(unescaped: Self.columns) FROM brands ORDER BY client_id, account_id, brand_id"
        ).map(Self.brand)
    }

    private static let columns = "client_id, account_id, brand_id, name, time_zone, created_at, updated_at"

    private static func brand(_ row: PostgresRow) throws -> Brand {
        let (client, account, brand, name, zone, created, updated) = try row.decode(
            (String, String, String, String, String, Int64, Int64).self
        )
        return Brand(
            tenant: Tenant(clientId: client, accountId: account, brandId: brand),
            name: name,
            timeZone: zone,
            createdAt: Timestamp(millisecondsSinceEpoch: created),
            updatedAt: Timestamp(millisecondsSinceEpoch: updated)
        )
    }
}
