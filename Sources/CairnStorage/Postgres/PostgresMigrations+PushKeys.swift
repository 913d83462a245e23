extension PostgresMigrations {
    /// Each brand's VAPID key pair for Web Push, sealed (as SQLiteMigrations' of the same name).
    static let pushKeys: [String] = [
        """
        CREATE TABLE brand_push_keys (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            sealed_key BYTEA NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (client_id, account_id, brand_id),
            FOREIGN KEY (client_id, account_id, brand_id) REFERENCES brands (client_id, account_id, brand_id)
        )
        """
    ]
}
