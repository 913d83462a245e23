extension SQLiteMigrations {
    /// Brands' journeys and their versions (definitions as JSON).
    static let journeys = """
        CREATE TABLE journeys (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            journey_id TEXT NOT NULL CHECK (length(journey_id) = 24),
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'live', 'paused', 'archived')),
            live_version INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (client_id, account_id, brand_id, journey_id),
            FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
        ) STRICT;
        CREATE INDEX journeys_by_age ON journeys (client_id, account_id, brand_id, created_at, journey_id);
        CREATE TABLE journey_versions (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            journey_id TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version > 0),
            definition BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            published_at INTEGER,
            PRIMARY KEY (client_id, account_id, brand_id, journey_id, version),
            FOREIGN KEY (client_id, account_id, brand_id, journey_id)
                REFERENCES journeys (client_id, account_id, brand_id, journey_id)
        ) STRICT;
        """
}
