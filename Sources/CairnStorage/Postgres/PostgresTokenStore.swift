public import CairnCore
import Foundation
import PostgresNIO

/// API tokens in PostgreSQL.
public struct PostgresTokenStore: TokenStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func insert(_ token: TokenRecord) async throws {
        let (scope, hash) = (token.scope, Data(token.secretHash))
        try await database.query(
            """
            INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at, revoked_at)
            VALUES (\(token.id), \(scope.clientId), \(scope.accountId), \(scope.brandId), \(hash), \(token.rate),
                \(token.burst), \(token.createdAt.millisecondsSinceEpoch), \(token.revokedAt?.millisecondsSinceEpoch))
            """
        )
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await records("SELECT \(unescaped: Self.columns) FROM tokens WHERE id = \(id)").first
    }

    public func list() async throws -> [TokenRecord] {
        try await records(
            "SELECT \(unescaped: Self.columns) FROM tokens WHERE id <> \(SystemEvents.tokenId) ORDER BY created_at, id"
        )
    }

    public func revoke(id: String, at time: Timestamp) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE tokens SET revoked_at = \(time.millisecondsSinceEpoch)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """
        )
        return !rows.isEmpty
    }

    private static let columns = "id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at, revoked_at"

    private func records(_ query: PostgresQuery) async throws -> [TokenRecord] {
        var records: [TokenRecord] = []
        for row in try await database.query(query) {
            let (id, client, account, brand, hash, rate, burst, created, revoked) = try row.decode(
                (String, String, String, String?, Data, Double, Int, Int64, Int64?).self
            )
            records.append(
                TokenRecord(
                    id: id,
                    scope: TokenScope(clientId: client, accountId: account, brandId: brand),
                    secretHash: [UInt8](hash),
                    rate: rate,
                    burst: burst,
                    createdAt: Timestamp(millisecondsSinceEpoch: created),
                    revokedAt: revoked.map(Timestamp.init(millisecondsSinceEpoch:))
                )
            )
        }
        return records
    }
}
