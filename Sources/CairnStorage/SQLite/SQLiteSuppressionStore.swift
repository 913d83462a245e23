public import CairnCore
import GRDB

/// The suppression ledger in SQLite: `suppressions`, and the `suppressed` mark on customers.
public struct SQLiteSuppressionStore: SuppressionStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func suppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String],
        regulationId: String,
        at time: Timestamp
    ) async throws -> Int {
        try await database.write { db in
            if kind == .suppress { try Self.mark(customerIds, suppressed: true, db) }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO suppressions (client_id, account_id, brand_id, key_digest, kind, regulation_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
            )
            var added = 0
            for key in keys {
                try insert.execute(arguments: [
                    key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest, kind.rawValue,
                    regulationId, time.millisecondsSinceEpoch,
                ])
                added += db.changesCount
            }
            return added
        }
    }

    public func unsuppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String]
    ) async throws -> Int {
        try await database.write { db in
            if kind == .suppress { try Self.mark(customerIds, suppressed: false, db) }
            let find = try db.cachedStatement(
                sql: """
                    SELECT regulation_id FROM suppressions
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND key_digest = ? AND kind = ?
                    """
            )
            var regulations: Set<String> = []
            for key in keys {
                regulations.formUnion(
                    try String.fetchAll(
                        find,
                        arguments: [
                            key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest, kind.rawValue,
                        ]
                    )
                )
            }
            var lifted = 0
            for regulationId in regulations {
                try db.execute(
                    sql: "DELETE FROM suppressions WHERE regulation_id = ? AND kind = ?",
                    arguments: [regulationId, kind.rawValue]
                )
                lifted += db.changesCount
            }
            return lifted
        }
    }

    static func mark(_ customerIds: [String], suppressed: Bool, _ db: Database) throws {
        let mark = try db.cachedStatement(sql: "UPDATE customers SET suppressed = ? WHERE id = ?")
        for id in customerIds { try mark.execute(arguments: [suppressed, id]) }
    }
}
