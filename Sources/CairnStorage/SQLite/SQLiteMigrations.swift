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
        migrator.registerMigration("0003_profiles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE customers (
                        id TEXT PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        user_id TEXT CHECK (user_id <> ''),
                        email TEXT,
                        identified INTEGER NOT NULL CHECK (identified IN (0, 1)),
                        traits BLOB NOT NULL,
                        trait_times BLOB NOT NULL,
                        consent BLOB NOT NULL,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        UNIQUE (client_id, account_id, brand_id, user_id)
                    ) STRICT;
                    CREATE INDEX customers_by_email ON customers (client_id, account_id, brand_id, email)
                        WHERE email IS NOT NULL;
                    CREATE TABLE customer_aliases (
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        anonymous_id TEXT NOT NULL CHECK (anonymous_id <> ''),
                        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                        PRIMARY KEY (client_id, account_id, brand_id, anonymous_id)
                    ) STRICT;
                    CREATE INDEX customer_aliases_by_customer ON customer_aliases (customer_id);
                    ALTER TABLE events ADD COLUMN customer_id TEXT;
                    ALTER TABLE events ADD COLUMN errors BLOB;
                    ALTER TABLE events ADD COLUMN processed_at INTEGER;
                    CREATE INDEX events_pending ON events (seq) WHERE status = 'accepted';
                    CREATE INDEX events_by_customer ON events (customer_id, event_time) WHERE customer_id IS NOT NULL;
                    CREATE INDEX events_by_tenant ON events (client_id, account_id, brand_id, seq);
                    """
            )
        }
        return migrator
    }
}
