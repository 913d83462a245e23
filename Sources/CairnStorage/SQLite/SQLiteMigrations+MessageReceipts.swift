extension SQLiteMigrations {
    /// Provider receipts that arrived before their message was recorded sent (still queued or
    /// sending), each with the provider message id it names (NULL when it names none): one per
    /// message and provider id (the first received stands), taken by the write that
    /// records the message sent when they name no id or the id recorded then (the others are
    /// about other attempts, and are dropped with them), and dropped when the message is queued
    /// again (a retry: they are about an attempt that will never be recorded sent), ends failed or
    /// dead (erasure fails it too), or is deleted.
    static let messageReceipts = """
        CREATE TABLE message_receipts (
            message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            provider_message_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
            error_code TEXT,
            error_message TEXT,
            received_at INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX message_receipts_by_message
            ON message_receipts (message_id, coalesce(provider_message_id, ''));
        CREATE TRIGGER message_receipts_dropped AFTER UPDATE OF status ON messages
        WHEN (NEW.status IN ('failed', 'dead') AND OLD.status IN ('queued', 'sending'))
            OR (NEW.status = 'queued' AND OLD.status = 'sending') BEGIN
            DELETE FROM message_receipts WHERE message_id = NEW.id;
        END;
        """
}
