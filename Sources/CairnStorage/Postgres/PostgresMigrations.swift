import CairnCore
import PostgresNIO

/// The PostgreSQL schema as the same named, append-only migrations as SQLite's. Each runs in
/// its own transaction under an advisory lock, so nodes starting together migrate once.
enum PostgresMigrations {
    static let all: [(name: String, sql: [String])] =
        initial + [
            ("0009_regulations", regulations),
            ("0010_outbox_lanes", outboxLanes),
            ("0011_message_receipts", messageReceipts),
            ("0012_regulation_failures", regulationFailures),
            ("0013_admin_token_brands", adminTokenBrands),
            ("0014_export_parts", exportParts),
            ("0015_devices", devices),
            ("0016_push_keys", pushKeys),
            ("0017_journeys", journeys),
            ("0018_journey_instances", journeyInstances),
            ("0019_journey_signals", journeySignals),
        ]

    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresDatabase.LockKey.migrations.rawValue))",
                logger: database.logger
            )
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS cairn_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: database.logger
            )
        }
        for migration in all {
            try await database.transaction { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresDatabase.LockKey.migrations.rawValue))",
                    logger: database.logger
                )
                let applied = try await connection.query(
                    "SELECT 1 FROM cairn_migrations WHERE name = \(migration.name)",
                    logger: database.logger
                ).collect()
                guard applied.isEmpty else { return }
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                }
                // The server's clock: every node records migrations on one time line.
                try await connection.query(
                    """
                    INSERT INTO cairn_migrations (name, applied_at)
                    VALUES (\(migration.name), (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                    """,
                    logger: database.logger
                )
            }
        }
    }
}
