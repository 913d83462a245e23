import CairnCore

extension PostgresMigrations {
    /// The schema's first migrations, 0001 to 0008: tokens, the event log, profiles, assets, the
    /// outbox and brands' channels.
    static let initial: [(name: String, sql: [String])] = [
        (
            "0001_tokens",
            [
                """
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY,
                    client_id TEXT NOT NULL CHECK (client_id <> ''),
                    account_id TEXT NOT NULL CHECK (account_id <> ''),
                    brand_id TEXT CHECK (brand_id <> ''),
                    secret_hash BYTEA NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                    rate DOUBLE PRECISION NOT NULL CHECK (rate > 0),
                    burst INTEGER NOT NULL CHECK (burst > 0),
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """
            ]
        ),
        (
            "0002_event_log",
            [
                """
                CREATE TABLE events (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    token_id TEXT NOT NULL REFERENCES tokens(id),
                    action TEXT NOT NULL CONSTRAINT events_action_check
                        CHECK (action IN ('identify', 'track', 'page', 'screen')),
                    event_name TEXT,
                    user_id TEXT,
                    anonymous_id TEXT,
                    original_timestamp TEXT,
                    event_time BIGINT NOT NULL,
                    received_at BIGINT NOT NULL,
                    body BYTEA NOT NULL,
                    status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'processed', 'failed'))
                )
                """
            ]
        ),
        (
            "0003_profiles",
            [
                """
                CREATE TABLE customers (
                    id TEXT PRIMARY KEY,
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    user_id TEXT CHECK (user_id <> ''),
                    email TEXT,
                    identified BOOLEAN NOT NULL,
                    traits BYTEA NOT NULL,
                    trait_times BYTEA NOT NULL,
                    consent BYTEA NOT NULL,
                    first_seen BIGINT NOT NULL,
                    last_seen BIGINT NOT NULL,
                    UNIQUE (client_id, account_id, brand_id, user_id)
                )
                """,
                """
                CREATE INDEX customers_by_email ON customers (client_id, account_id, brand_id, email)
                    WHERE email IS NOT NULL
                """,
                """
                CREATE TABLE customer_aliases (
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    anonymous_id TEXT NOT NULL CHECK (anonymous_id <> ''),
                    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    PRIMARY KEY (client_id, account_id, brand_id, anonymous_id)
                )
                """,
                "CREATE INDEX customer_aliases_by_customer ON customer_aliases (customer_id)",
                """
                ALTER TABLE events ADD COLUMN customer_id TEXT, ADD COLUMN errors BYTEA,
                    ADD COLUMN processed_at BIGINT
                """,
                "CREATE INDEX events_pending ON events (seq) WHERE status = 'accepted'",
                """
                CREATE INDEX events_by_customer ON events (customer_id, event_time)
                    WHERE customer_id IS NOT NULL
                """,
                "CREATE INDEX events_by_tenant ON events (client_id, account_id, brand_id, seq)",
            ]
        ),
        (
            "0004_segment",
            [
                "ALTER TABLE events DROP CONSTRAINT events_action_check",
                """
                ALTER TABLE events ADD CONSTRAINT events_action_check
                    CHECK (action IN ('identify', 'track', 'page', 'screen', 'group', 'alias'))
                """,
                """
                ALTER TABLE events ADD COLUMN message_id TEXT, ADD COLUMN group_id TEXT,
                    ADD COLUMN previous_id TEXT
                """,
                """
                CREATE TABLE message_ids (
                    token_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    seen_at BIGINT NOT NULL,
                    PRIMARY KEY (token_id, message_id)
                )
                """,
                "CREATE INDEX message_ids_by_time ON message_ids (seen_at)",
                """
                CREATE TABLE groups (
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    group_id TEXT NOT NULL CHECK (group_id <> ''),
                    traits BYTEA NOT NULL,
                    trait_times BYTEA NOT NULL,
                    first_seen BIGINT NOT NULL,
                    last_seen BIGINT NOT NULL,
                    PRIMARY KEY (client_id, account_id, brand_id, group_id)
                )
                """,
                "ALTER TABLE customers ADD COLUMN group_ids BYTEA",
            ]
        ),
        (
            "0005_many_nodes",
            [
                // Events logged before this migration stay in partition 0; the barrier keeps their order.
                "ALTER TABLE events ADD COLUMN processing_partition SMALLINT NOT NULL DEFAULT 0",
                "CREATE TABLE processor_partitions (partition SMALLINT PRIMARY KEY)",
                "INSERT INTO processor_partitions SELECT generate_series(0, \(ProcessingPartition.count - 1))",
                """
                CREATE INDEX events_pending_by_partition ON events (processing_partition, seq)
                    WHERE status = 'accepted'
                """,
                // The barrier's question: which waiting events name these ids?
                "CREATE INDEX events_pending_by_user ON events (user_id) WHERE status = 'accepted'",
                "CREATE INDEX events_pending_by_anonymous ON events (anonymous_id) WHERE status = 'accepted'",
                """
                CREATE INDEX events_pending_by_previous ON events (previous_id)
                    WHERE status = 'accepted' AND previous_id IS NOT NULL
                """,
                // Each node's running count of requests per token, for rate limits across nodes.
                """
                CREATE TABLE rate_limit_usage (
                    node_id TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    used BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (node_id, token_id)
                )
                """,
                "CREATE INDEX rate_limit_usage_by_time ON rate_limit_usage (updated_at)",
            ]
        ),
        (
            "0006_admin_and_assets",
            [
                """
                CREATE TABLE admin_tokens (
                    id TEXT PRIMARY KEY CHECK (length(id) = 16),
                    name TEXT,
                    secret_hash BYTEA NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                """
                CREATE TABLE brands (
                    client_id TEXT NOT NULL CHECK (client_id <> ''),
                    account_id TEXT NOT NULL CHECK (account_id <> ''),
                    brand_id TEXT NOT NULL CHECK (brand_id <> ''),
                    name TEXT NOT NULL CHECK (name <> ''),
                    time_zone TEXT NOT NULL CHECK (time_zone <> ''),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (client_id, account_id, brand_id)
                )
                """,
                """
                CREATE TABLE assets (
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    asset_id TEXT NOT NULL CHECK (length(asset_id) BETWEEN 1 AND 128),
                    name TEXT,
                    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'print')),
                    live_version INTEGER,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    archived_at BIGINT,
                    PRIMARY KEY (client_id, account_id, brand_id, asset_id),
                    FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
                )
                """,
                """
                CREATE TABLE asset_versions (
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    asset_id TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version > 0),
                    purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'transactional')),
                    content BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    published_at BIGINT,
                    live BOOLEAN NOT NULL DEFAULT false,
                    PRIMARY KEY (client_id, account_id, brand_id, asset_id, version),
                    FOREIGN KEY (client_id, account_id, brand_id, asset_id)
                        REFERENCES assets (client_id, account_id, brand_id, asset_id)
                )
                """,
                """
                CREATE UNIQUE INDEX asset_versions_one_live
                    ON asset_versions (client_id, account_id, brand_id, asset_id) WHERE live
                """,
                """
                INSERT INTO brands (client_id, account_id, brand_id, name, time_zone, created_at, updated_at)
                    SELECT client_id, account_id, brand_id, brand_id, 'UTC', min(created_at), min(created_at)
                    FROM (SELECT client_id, account_id, brand_id, created_at FROM tokens WHERE brand_id IS NOT NULL
                          UNION ALL
                          SELECT client_id, account_id, brand_id, min(received_at) FROM events
                          GROUP BY client_id, account_id, brand_id) AS seen
                    GROUP BY client_id, account_id, brand_id
                """,
            ]
        ),
        (
            "0007_lookups",
            [
                // email: lookups ignore case.
                """
                CREATE INDEX customers_by_folded_email ON customers (client_id, account_id, brand_id, lower(email))
                    WHERE email IS NOT NULL
                """
            ]
        ),
        (
            "0008_outbox",
            [
                // The outbox (messages made by send commands) and each brand's channel providers.
                """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY CHECK (length(id) = 36),
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
                    content BYTEA NOT NULL,
                    status TEXT NOT NULL
                        CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'dead')),
                    attempts INTEGER NOT NULL CHECK (attempts >= 0),
                    next_attempt_at BIGINT NOT NULL,
                    lease_until BIGINT,
                    provider_message_id TEXT,
                    error_code TEXT,
                    error_message TEXT,
                    created_at BIGINT NOT NULL,
                    sent_at BIGINT,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued'",
                "CREATE INDEX messages_leased ON messages (lease_until) WHERE status = 'sending'",
                "CREATE INDEX messages_by_event ON messages (event_id)",
                "CREATE INDEX messages_by_brand ON messages (client_id, account_id, brand_id, id)",
                "CREATE INDEX messages_by_customer ON messages (customer_id)",
                """
                CREATE TABLE brand_channels (
                    client_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    brand_id TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'print')),
                    provider TEXT NOT NULL CHECK (provider <> ''),
                    sealed_settings BYTEA NOT NULL,
                    summary BYTEA NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (client_id, account_id, brand_id, channel),
                    FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
                )
                """,
                // The token Cairn's own events carry (an unsubscribe link used, a provider's opt-out):
                // revoked from birth, with a random hash no secret matches.
                """
                INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at, revoked_at)
                VALUES ('cairn-system', 'cairn', 'system', NULL,
                    decode(md5(random()::text) || md5(random()::text), 'hex'), 1, 1, 0, 0)
                """,
            ]
        ),
    ]
}
