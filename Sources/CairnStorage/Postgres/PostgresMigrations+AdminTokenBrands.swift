extension PostgresMigrations {
    /// An admin token may administer one brand (as SQLite's migration of the same name): all
    /// three ids, or none for a token that administers every brand.
    static let adminTokenBrands: [String] = [
        """
        ALTER TABLE admin_tokens ADD COLUMN client_id text, ADD COLUMN account_id text, ADD COLUMN brand_id text,
            ADD CONSTRAINT admin_tokens_brand CHECK (
                (client_id IS NULL AND account_id IS NULL AND brand_id IS NULL)
                OR (client_id IS NOT NULL AND account_id IS NOT NULL AND brand_id IS NOT NULL))
        """
    ]
}
