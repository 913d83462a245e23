extension PostgresMigrations {
    /// Attempts counted per regulation, so one that keeps failing ends `failed` (as SQLite's
    /// migration of the same name). A customer's messages are read a page at a time by an access
    /// export, oldest first: their index leads to them in that order.
    static let regulationFailures: [String] = [
        "ALTER TABLE regulations ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)",
        "DROP INDEX messages_by_customer",
        "CREATE INDEX messages_by_customer ON messages (customer_id, created_at, id)",
    ]
}
