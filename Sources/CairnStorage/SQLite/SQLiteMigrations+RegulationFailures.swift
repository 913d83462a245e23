extension SQLiteMigrations {
    /// Attempts counted per regulation, so one that keeps failing ends `failed`: a claim counts
    /// one, and the worker fails the regulation (its last error kept) past its limit.
    static let regulationFailures = """
        ALTER TABLE regulations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
        """
}
