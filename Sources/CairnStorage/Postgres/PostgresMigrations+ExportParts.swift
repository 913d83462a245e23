extension PostgresMigrations {
    /// An access export kept in parts (as SQLite's migration of the same name).
    static let exportParts: [String] = [
        """
        CREATE TABLE regulation_export_parts (
            regulation_id TEXT NOT NULL REFERENCES regulations (id) ON DELETE CASCADE,
            part INTEGER NOT NULL CHECK (part >= 0),
            bytes BYTEA NOT NULL,
            PRIMARY KEY (regulation_id, part)
        )
        """,
        """
        CREATE FUNCTION regulation_export_parts_drop() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM regulation_export_parts WHERE regulation_id = NEW.id;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER regulation_export_parts_dropped AFTER UPDATE OF export ON regulations FOR EACH ROW
            WHEN (NEW.export IS NULL)
            EXECUTE FUNCTION regulation_export_parts_drop()
        """,
    ]
}
