import PostgresNIO

/// The rate-limit ledger in PostgreSQL's `rate_limit_usage`, timed by the server's clock so
/// that the nodes' clocks need not agree.
public struct PostgresRateLimitLedger: RateLimitLedger {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    static let serverMilliseconds = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    public func exchange(node: String, totals: [String: Int64], since: Int64?) async throws -> RateLimitExchange {
        try await database.withConnection { connection in
            if !totals.isEmpty {
                let tokens = Array(totals.keys)
                let used = Array(totals.values)
                try await connection.query(
                    """
                    INSERT INTO rate_limit_usage (node_id, token_id, used, updated_at)
                    SELECT \(node), t.token_id, t.used, \(unescaped: Self.serverMilliseconds)
                    FROM unnest(\(tokens), \(used)) AS t(token_id, used)
                    ON CONFLICT (node_id, token_id) DO UPDATE SET used = excluded.used, updated_at = excluded.updated_at
                    """,
                    logger: database.logger
                )
            }
            let now = try await connection.query(
                "SELECT \(unescaped: Self.serverMilliseconds)",
                logger: database.logger
            ).collect().first?.decode(Int64.self)
            let rows = try await connection.query(
                """
                SELECT node_id, token_id, used FROM rate_limit_usage
                WHERE node_id <> \(node) AND updated_at >= \(since ?? Int64.min)
                """,
                logger: database.logger
            )
            var others: [String: [String: Int64]] = [:]
            for try await (otherNode, token, used) in rows.decode((String, String, Int64).self) {
                others[otherNode, default: [:]][token] = used
            }
            return RateLimitExchange(others: others, now: now ?? 0)
        }
    }

    public func prune(before: Int64) async throws {
        try await database.query("DELETE FROM rate_limit_usage WHERE updated_at < \(before)")
    }
}
