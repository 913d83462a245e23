extension SQLiteMigrations {
    /// An access export kept in parts of `RegulationExportParts.size` bytes, so that it is served
    /// a part at a time (the regulation's `export` holds an empty marker then); dropped when an
    /// erasure empties the regulation's export.
    static let exportParts = """
        CREATE TABLE regulation_export_parts (
            regulation_id TEXT NOT NULL REFERENCES regulations (id) ON DELETE CASCADE,
            part INTEGER NOT NULL CHECK (part >= 0),
            bytes BLOB NOT NULL,
            PRIMARY KEY (regulation_id, part)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER regulation_export_parts_dropped AFTER UPDATE OF export ON regulations
            WHEN NEW.export IS NULL
        BEGIN
            DELETE FROM regulation_export_parts WHERE regulation_id = NEW.id;
        END;
        """
}
