import CairnCore
import GRDB

/// How suppressions are read and written in SQLite's `suppressions`.
enum SQLiteSuppressionRows {
    /// The suppressions under any of `keys`; neither worked out nor read when the table is
    /// empty, as it mostly is.
    static func load(_ db: Database, keys wanted: () -> Set<SuppressionKey>) throws -> Suppressions {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM suppressions)")) == true
        else { return Suppressions() }
        let keys = wanted()
        let statement = try db.cachedStatement(
            sql: """
                SELECT kind FROM suppressions
                WHERE client_id = ? AND account_id = ? AND brand_id = ? AND key_digest = ?
                """
        )
        var entries: [(SuppressionKey, SuppressionKind)] = []
        for key in keys {
            let tenant = key.tenant
            for text in try String.fetchAll(
                statement,
                arguments: [tenant.clientId, tenant.accountId, tenant.brandId, key.digest]
            ) {
                if let kind = SuppressionKind(rawValue: text) { entries.append((key, kind)) }
            }
        }
        return Suppressions(entries)
    }
}
