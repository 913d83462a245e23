public import CairnCore
import Foundation
import PostgresNIO

/// Admin tokens in PostgreSQL.
public struct PostgresAdminTokenStore: AdminTokenStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func insert(_ token: AdminTokenRecord) async throws {
        try await database.query(
            """
            INSERT INTO admin_tokens (id, name, client_id, account_id, brand_id, secret_hash, created_at, revoked_at)
            VALUES (\(token.id), \(token.name), \(token.brand?.clientId), \(token.brand?.accountId),
                \(token.brand?.brandId), \(Data(token.secretHash)), \(token.createdAt.millisecondsSinceEpoch),
                \(token.revokedAt?.millisecondsSinceEpoch))
            """
        )
    }

    public func token(id: String) async throws -> AdminTokenRecord? {
        try await records("SELECT \(unescaped: Self.columns) FROM admin_tokens WHERE id = \(id)").first
    }

    public func list() async throws -> [AdminTokenRecord] {
        try await records("SELECT \(unescaped: Self.columns) FROM admin_tokens ORDER BY created_at, id")
    }

    public func revoke(id: String, at time: Timestamp) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE admin_tokens SET revoked_at = \(time.millisecondsSinceEpoch)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """
        )
        return !rows.isEmpty
    }

    private static let columns = "id, name, client_id, account_id, brand_id, secret_hash, created_at, revoked_at"

    private func records(_ query: PostgresQuery) async throws -> [AdminTokenRecord] {
        try await database.query(query).map { row in
            let (id, name, client, account, brand, hash, created, revoked) = try row.decode(
                (String, String?, String?, String?, String?, Data, Int64, Int64?).self
            )
            return AdminTokenRecord(
                id: id,
                name: name,
                brand: AdminTokenRecord.storedBrand(client: client, account: account, brand: brand),
                secretHash: [UInt8](hash),
                createdAt: Timestamp(millisecondsSinceEpoch: created),
                revokedAt: revoked.map(Timestamp.init(millisecondsSinceEpoch:))
            )
        }
    }
}
