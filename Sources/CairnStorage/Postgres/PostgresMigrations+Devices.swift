extension PostgresMigrations {
    /// A customer's push devices, kept with the profile (as SQLite's migration of the same name).
    static let devices: [String] = ["ALTER TABLE customers ADD COLUMN devices BYTEA"]
}
