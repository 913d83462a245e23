extension SQLiteMigrations {
    /// An admin token may administer one brand: its client, account and brand, or all three null
    /// for a token that administers every brand.
    static let adminTokenBrands = """
        ALTER TABLE admin_tokens ADD COLUMN client_id TEXT;
        ALTER TABLE admin_tokens ADD COLUMN account_id TEXT;
        ALTER TABLE admin_tokens ADD COLUMN brand_id TEXT;
        """
}
