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
        migrator.registerMigration("0004_segment") { db in
            // SQLite cannot alter a CHECK: the events table is rebuilt to take group and alias
            // events, with their ids and the client's messageId beside them.
            try db.execute(
                sql: """
                    CREATE TABLE events_v4 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        token_id TEXT NOT NULL REFERENCES tokens(id),
                        action TEXT NOT NULL
                            CHECK (action IN ('identify', 'track', 'page', 'screen', 'group', 'alias')),
                        event_name TEXT,
                        user_id TEXT,
                        anonymous_id TEXT,
                        original_timestamp TEXT,
                        event_time INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'processed', 'failed')),
                        customer_id TEXT,
                        errors BLOB,
                        processed_at INTEGER,
                        message_id TEXT,
                        group_id TEXT,
                        previous_id TEXT
                    ) STRICT;
                    INSERT INTO events_v4 (seq, id, client_id, account_id, brand_id, token_id, action, event_name,
                        user_id, anonymous_id, original_timestamp, event_time, received_at, body, status,
                        customer_id, errors, processed_at)
                    SELECT seq, id, client_id, account_id, brand_id, token_id, action, event_name,
                        user_id, anonymous_id, original_timestamp, event_time, received_at, body, status,
                        customer_id, errors, processed_at
                    FROM events;
                    DROP TABLE events;
                    ALTER TABLE events_v4 RENAME TO events;
                    CREATE INDEX events_pending ON events (seq) WHERE status = 'accepted';
                    CREATE INDEX events_by_customer ON events (customer_id, event_time) WHERE customer_id IS NOT NULL;
                    CREATE INDEX events_by_tenant ON events (client_id, account_id, brand_id, seq);

                    CREATE TABLE message_ids (
                        token_id TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        seen_at INTEGER NOT NULL,
                        PRIMARY KEY (token_id, message_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX message_ids_by_time ON message_ids (seen_at);

                    CREATE TABLE groups (
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        group_id TEXT NOT NULL CHECK (group_id <> ''),
                        traits BLOB NOT NULL,
                        trait_times BLOB NOT NULL,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        PRIMARY KEY (client_id, account_id, brand_id, group_id)
                    ) STRICT;
                    ALTER TABLE customers ADD COLUMN group_ids BLOB;
                    """
            )
        }
        migrator.registerMigration("0005_many_nodes") { db in
            // Each event's processing partition, as on PostgreSQL. One SQLite file has one
            // processor, which reads the log in order and has no use for it; the column keeps
            // the two schemas the same and lets a log move from one to the other. (PostgreSQL's
            // migration also adds what only many nodes need: partition claims, shared rate limits.)
            try db.execute(
                sql: "ALTER TABLE events ADD COLUMN processing_partition INTEGER NOT NULL DEFAULT 0"
            )
        }
        migrator.registerMigration("0006_admin_and_assets") { db in
            // Admin tokens, named brands (every brand already named by a token or an event is
            // created with the defaults), and assets with their versions: at most one live each.
            try db.execute(
                sql: """
                    CREATE TABLE admin_tokens (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 16),
                        name TEXT,
                        secret_hash BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    ) STRICT;
                    CREATE TABLE brands (
                        client_id TEXT NOT NULL CHECK (client_id <> ''),
                        account_id TEXT NOT NULL CHECK (account_id <> ''),
                        brand_id TEXT NOT NULL CHECK (brand_id <> ''),
                        name TEXT NOT NULL CHECK (name <> ''),
                        time_zone TEXT NOT NULL CHECK (time_zone <> ''),
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (client_id, account_id, brand_id)
                    ) STRICT;
                    CREATE TABLE assets (
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        asset_id TEXT NOT NULL CHECK (length(asset_id) BETWEEN 1 AND 128),
                        name TEXT,
                        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'print')),
                        live_version INTEGER,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        archived_at INTEGER,
                        PRIMARY KEY (client_id, account_id, brand_id, asset_id),
                        FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
                    ) STRICT;
                    CREATE TABLE asset_versions (
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        asset_id TEXT NOT NULL,
                        version INTEGER NOT NULL CHECK (version > 0),
                        purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'transactional')),
                        content BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        published_at INTEGER,
                        live INTEGER NOT NULL DEFAULT 0 CHECK (live IN (0, 1)),
                        PRIMARY KEY (client_id, account_id, brand_id, asset_id, version),
                        FOREIGN KEY (client_id, account_id, brand_id, asset_id)
                            REFERENCES assets (client_id, account_id, brand_id, asset_id)
                    ) STRICT;
                    CREATE UNIQUE INDEX asset_versions_one_live
                        ON asset_versions (client_id, account_id, brand_id, asset_id) WHERE live = 1;
                    INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
                        SELECT client_id, account_id, brand_id, brand_id, 'UTC', min(seen_at), min(seen_at)
                        FROM (SELECT client_id, account_id, brand_id, created_at AS seen_at FROM tokens
                              WHERE brand_id IS NOT NULL
                              UNION ALL
                              SELECT client_id, account_id, brand_id, min(received_at) FROM events
                              GROUP BY client_id, account_id, brand_id)
                        GROUP BY client_id, account_id, brand_id;
                    """
            )
        }
        migrator.registerMigration("0007_lookups") { db in
            // email: lookups ignore case.
            try db.execute(
                sql: """
                    CREATE INDEX customers_by_folded_email ON customers (client_id, account_id, brand_id, lower(email))
                        WHERE email IS NOT NULL
                    """
            )
        }
        migrator.registerMigration("0008_outbox") { db in
            // The outbox (messages made by send commands) and each brand's channel providers.
            try db.execute(
                sql: """
                    CREATE TABLE messages (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        event_id TEXT NOT NULL REFERENCES events (id),
                        customer_id TEXT NOT NULL,
                        user_id TEXT,
                        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'print')),
                        recipient TEXT NOT NULL CHECK (recipient <> ''),
                        asset_id TEXT NOT NULL,
                        version INTEGER NOT NULL CHECK (version > 0),
                        purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'transactional')),
                        content BLOB NOT NULL,
                        status TEXT NOT NULL
                            CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'dead')),
                        attempts INTEGER NOT NULL CHECK (attempts >= 0),
                        next_attempt_at INTEGER NOT NULL,
                        lease_until INTEGER,
                        provider_message_id TEXT,
                        error_code TEXT,
                        error_message TEXT,
                        created_at INTEGER NOT NULL,
                        sent_at INTEGER,
                        updated_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued';
                    CREATE INDEX messages_leased ON messages (lease_until) WHERE status = 'sending';
                    CREATE INDEX messages_by_event ON messages (event_id);
                    CREATE INDEX messages_by_brand ON messages (client_id, account_id, brand_id, id);
                    CREATE INDEX messages_by_customer ON messages (customer_id);
                    CREATE TABLE brand_channels (
                        client_id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        brand_id TEXT NOT NULL,
                        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'print')),
                        provider TEXT NOT NULL CHECK (provider <> ''),
                        sealed_settings BLOB NOT NULL,
                        summary BLOB NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (client_id, account_id, brand_id, channel),
                        FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
                    ) STRICT;
                    -- The token Cairn's own events carry (an unsubscribe link used, a provider's opt-out):
                    -- revoked from birth, with a random hash no secret matches.
                    INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at, revoked_at)
                    VALUES ('cairn-system', 'cairn', 'system', NULL, randomblob(32), 1, 1, 0, 0);
                    """
            )
        }
        migrator.registerMigration("0009_regulations") { db in
            try db.execute(sql: SQLiteMigrations.regulations)
        }
        migrator.registerMigration("0010_outbox_lanes") { db in
            try db.execute(sql: SQLiteMigrations.outboxLanes)
        }
        migrator.registerMigration("0011_message_receipts") { db in
            try db.execute(sql: SQLiteMigrations.messageReceipts)
        }
        migrator.registerMigration("0012_regulation_failures") { db in
            try db.execute(sql: SQLiteMigrations.regulationFailures)
        }
        migrator.registerMigration("0013_admin_token_brands") { db in
            try db.execute(sql: SQLiteMigrations.adminTokenBrands)
        }
        migrator.registerMigration("0014_export_parts") { db in
            try db.execute(sql: SQLiteMigrations.exportParts)
        }
        migrator.registerMigration("0015_devices") { db in
            try db.execute(sql: SQLiteMigrations.devices)
        }
        migrator.registerMigration("0016_push_keys") { db in
            try db.execute(sql: SQLiteMigrations.pushKeys)
        }
        migrator.registerMigration("0017_journeys") { db in
            try db.execute(sql: SQLiteMigrations.journeys)
        }
        migrator.registerMigration("0018_journey_instances") { db in
            try db.execute(sql: SQLiteMigrations.journeyInstances)
        }
        migrator.registerMigration("0019_journey_signals") { db in
            try db.execute(sql: SQLiteMigrations.journeySignals)
        }
        return migrator
    }
}
