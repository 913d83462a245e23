public import CairnCore
import GRDB

/// Brands in SQLite.
public struct SQLiteBrandStore: BrandStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func ensure(_ tenants: Set<Tenant>, at time: Timestamp) async throws {
        guard !tenants.isEmpty else { return }
        try await database.write { db in
            for tenant in tenants { try Self.ensure(tenant, at: time, db) }
        }
    }

    static func ensure(_ tenant: Tenant, at time: Timestamp, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [
                tenant.clientId, tenant.accountId, tenant.brandId, tenant.brandId, Brand.defaultTimeZone,
                time.millisecondsSinceEpoch, time.millisecondsSinceEpoch,
            ]
        )
    }

    public func save(_ tenant: Tenant, name: String, timeZone: String, at time: Timestamp) async throws -> Brand {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (client_id, account_id, brand_id)
                    DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, updated_at = excluded.updated_at
                    """,
                arguments: [
                    tenant.clientId, tenant.accountId, tenant.brandId, name, timeZone, time.millisecondsSinceEpoch,
                    time.millisecondsSinceEpoch,
                ]
            )
            // Written just above, in this transaction.
            return try Self.brand(tenant, db)!
        }
    }

    public func brand(_ tenant: Tenant) async throws -> Brand? {
        try await database.read { db in try Self.brand(tenant, db) }
    }

    public func list() async throws -> [Brand] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM brands ORDER BY client_id, account_id, brand_id").map(Self.brand)
        }
    }

    static func brand(_ tenant: Tenant, _ db: Database) throws -> Brand? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM brands WHERE client_id = ? AND account_id = ? AND brand_id = ?",
            arguments: [tenant.clientId, tenant.accountId, tenant.brandId]
        ).map(Self.brand)
    }

    static func brand(_ row: Row) -> Brand {
        Brand(
            tenant: Tenant(clientId: row["client_id"], accountId: row["account_id"], brandId: row["brand_id"]),
            name: row["name"],
            timeZone: row["time_zone"],
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            updatedAt: Timestamp(millisecondsSinceEpoch: row["updated_at"])
        )
    }
}
