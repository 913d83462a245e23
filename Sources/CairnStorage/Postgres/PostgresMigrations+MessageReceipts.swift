extension PostgresMigrations {
    /// Provider receipts that arrived before their message was recorded sent, each with the
    /// provider message id it names (as SQLite's migration of the same name). The trigger fires
    /// only for rows whose message ends failed or dead from queued or sending, or is queued again
    /// from sending (its condition is checked without calling the function).
    static let messageReceipts: [String] = [
        """
        CREATE TABLE message_receipts (
            message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            provider_message_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
            error_code TEXT,
            error_message TEXT,
            received_at BIGINT NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX message_receipts_by_message
            ON message_receipts (message_id, coalesce(provider_message_id, ''))
        """,
        """
        CREATE FUNCTION message_receipts_drop() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM message_receipts WHERE message_id = NEW.id;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER message_receipts_dropped AFTER UPDATE OF status ON messages FOR EACH ROW
            WHEN ((NEW.status IN ('failed', 'dead') AND OLD.status IN ('queued', 'sending'))
                OR (NEW.status = 'queued' AND OLD.status = 'sending'))
            EXECUTE FUNCTION message_receipts_drop()
        """,
    ]
}
