extension SQLiteMigrations {
    /// Each brand's VAPID key pair for Web Push, sealed: made on first use, kept for good (browsers
    /// subscribed with its public half).
    static let pushKeys = """
        CREATE TABLE brand_push_keys (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            sealed_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (client_id, account_id, brand_id),
            FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
        ) STRICT;
        """
}
