public import CairnCore
import PostgresNIO

/// The suppression ledger in PostgreSQL: `suppressions`, and the `suppressed` mark on customers.
public struct PostgresSuppressionStore: SuppressionStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func suppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String],
        regulationId: String,
        at time: Timestamp
    ) async throws -> Int {
        let arrays = PostgresKeyArrays(keys)
        return try await database.transaction { connection in
            if kind == .suppress {
                try await connection.query(
                    "UPDATE customers SET suppressed = true WHERE id = ANY(\(customerIds))",
                    logger: database.logger
                )
            }
            return try await connection.query(
                """
                INSERT INTO suppressions (client_id, account_id, brand_id, key_digest, kind, regulation_id, created_at)
                SELECT cl, ac, br, digest, \(kind.rawValue), \(regulationId), \(time.millisecondsSinceEpoch)
                FROM unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                    AS k(cl, ac, br, digest)
                ON CONFLICT DO NOTHING
                RETURNING key_digest
                """,
                logger: database.logger
            ).collect().count
        }
    }

    public func unsuppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String]
    ) async throws -> Int {
        let arrays = PostgresKeyArrays(keys)
        return try await database.transaction { connection in
            if kind == .suppress {
                try await connection.query(
                    "UPDATE customers SET suppressed = false WHERE id = ANY(\(customerIds))",
                    logger: database.logger
                )
            }
            return try await connection.query(
                """
                DELETE FROM suppressions WHERE kind = \(kind.rawValue) AND regulation_id IN (
                    SELECT s.regulation_id FROM suppressions s
                    JOIN unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                        AS k(cl, ac, br, digest)
                        ON s.client_id = k.cl AND s.account_id = k.ac AND s.brand_id = k.br AND s.key_digest = k.digest
                    WHERE s.kind = \(kind.rawValue))
                RETURNING key_digest
                """,
                logger: database.logger
            ).collect().count
        }
    }
}
