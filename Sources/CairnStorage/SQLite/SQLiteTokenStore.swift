public import CairnCore
import Foundation
import GRDB

/// API tokens in SQLite.
public struct SQLiteTokenStore: TokenStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func insert(_ token: TokenRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, token.scope.clientId, token.scope.accountId, token.scope.brandId,
                    Data(token.secretHash), token.rate, token.burst, token.createdAt.millisecondsSinceEpoch,
                    token.revokedAt?.millisecondsSinceEpoch,
                ]
            )
        }
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE id = ?", arguments: [id]).map(Self.record(from:))
        }
    }

    public func list() async throws -> [TokenRecord] {
        try await database.read { db in
            // Cairn's own (revoked) token for the events it writes is no client's: not listed.
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM tokens WHERE id <> ? ORDER BY created_at, id",
                arguments: [SystemEvents.tokenId]
            ).map(Self.record(from:))
        }
    }

    public func revoke(id: String, at time: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [time.millisecondsSinceEpoch, id]
            )
            return db.changesCount > 0
        }
    }

    static func record(from row: Row) -> TokenRecord {
        let revokedAt: Int64? = row["revoked_at"]
        return TokenRecord(
            id: row["id"],
            scope: TokenScope(clientId: row["client_id"], accountId: row["account_id"], brandId: row["brand_id"]),
            secretHash: [UInt8](row["secret_hash"] as Data),
            rate: row["rate"],
            burst: row["burst"],
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            revokedAt: revokedAt.map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
