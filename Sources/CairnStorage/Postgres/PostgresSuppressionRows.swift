import CairnCore
import Logging
import PostgresNIO

/// How suppressions are read and written in PostgreSQL's `suppressions`.
enum PostgresSuppressionRows {
    /// The suppressions under any of `keys`; neither worked out nor read when the table is
    /// empty, as it mostly is.
    static func load(
        on connection: PostgresConnection,
        logger: Logger,
        keys wanted: () -> Set<SuppressionKey>
    ) async throws -> Suppressions {
        let any = try await connection.query("SELECT EXISTS (SELECT 1 FROM suppressions)", logger: logger)
            .collect().first?.decode(Bool.self)
        guard any == true else { return Suppressions() }
        let keys = wanted()
        guard !keys.isEmpty else { return Suppressions() }
        let arrays = PostgresKeyArrays(keys)
        let rows = try await connection.query(
            """
            SELECT s.client_id, s.account_id, s.brand_id, s.key_digest, s.kind FROM suppressions s
            JOIN unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                AS k(cl, ac, br, digest)
                ON s.client_id = k.cl AND s.account_id = k.ac AND s.brand_id = k.br AND s.key_digest = k.digest
            """,
            logger: logger
        )
        var entries: [(SuppressionKey, SuppressionKind)] = []
        for try await (client, account, brand, digest, kindText) in rows.decode(
            (String, String, String, String, String).self
        ) {
            guard let kind = SuppressionKind(rawValue: kindText) else { continue }
            let tenant = Tenant(clientId: client, accountId: account, brandId: brand)
            entries.append((SuppressionKey(tenant: tenant, digest: digest), kind))
        }
        return Suppressions(entries)
    }
}
