extension SQLiteMigrations {
    /// A customer's push devices, kept with the profile (as its groups are): a JSON array.
    static let devices = """
        ALTER TABLE customers ADD COLUMN devices BLOB;
        """
}
