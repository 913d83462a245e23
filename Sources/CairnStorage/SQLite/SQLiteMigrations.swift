import GRDB

/// The SQLite schema as named, append-only migrations. Never edit one that has shipped: add another.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001_tokens") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL CHECK (client_id <> ''),
                        account_id TEXT NOT NULL CHECK (account_id <> ''),
                        brand_id TEXT CHECK (brand_id <> ''),
                        secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                        rate REAL NOT NULL CHECK (rate > 0),
                        burst INTEGER NOT NULL CHECK (burst > 0),
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    ) STRICT
                    """
            )
        }
        migrator.registerMigration("0002_event_log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        token_id TEXT NOT NULL REFERENCES tokens(id),
                        action TEXT NOT NULL CHECK (action IN ('identify', 'track', 'page', 'screen')),
                        event_name TEXT,
                        user_id TEXT,
                        anonymous_id TEXT,
                        original_timestamp TEXT,
                        event_time INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'processed', 'failed'))
                    ) STRICT
                    """
            )
        }
        return migrator
    }
}
