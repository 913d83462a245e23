public import CairnCore
import Foundation
import GRDB

/// Admin tokens in SQLite.
public struct SQLiteAdminTokenStore: AdminTokenStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func insert(_ token: AdminTokenRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO admin_tokens (id, name, client_id, account_id, brand_id, secret_hash, created_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, token.name, token.brand?.clientId, token.brand?.accountId, token.brand?.brandId,
                    Data(token.secretHash), token.createdAt.millisecondsSinceEpoch,
                    token.revokedAt?.millisecondsSinceEpoch,
                ]
            )
        }
    }

    public func token(id: String) async throws -> AdminTokenRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM admin_tokens WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func list() async throws -> [AdminTokenRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM admin_tokens ORDER BY created_at, id").map(Self.record)
        }
    }

    public func revoke(id: String, at time: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [time.millisecondsSinceEpoch, id]
            )
            return db.changesCount > 0
        }
    }

    static func record(_ row: Row) -> AdminTokenRecord {
        let revokedAt: Int64? = row["revoked_at"]
        let (client, account, brand): (String?, String?, String?) = (
            row["client_id"], row["account_id"], row["brand_id"]
        )
        return AdminTokenRecord(
            id: row["id"],
            name: row["name"],
            brand: AdminTokenRecord.storedBrand(client: client, account: account, brand: brand),
            secretHash: [UInt8](row["secret_hash"] as Data),
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            revokedAt: revokedAt.map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
