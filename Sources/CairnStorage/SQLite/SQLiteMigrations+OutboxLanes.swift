extension SQLiteMigrations {
    /// The outbox by lane (a brand's channel): how many of its messages are queued and sending,
    /// kept by triggers with every write of `messages` (so the depth is a sum over lanes, not a
    /// count of rows), and when a claim last served it (claims go round the lanes with due
    /// messages, least recently served first). A brand's channel settings may set how many of
    /// its messages are in flight at once, across all nodes. Queued messages are found per lane,
    /// in the order they fall due.
    static let outboxLanes = """
        CREATE TABLE outbox_lanes (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            queued INTEGER NOT NULL DEFAULT 0,
            sending INTEGER NOT NULL DEFAULT 0,
            served INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (client_id, account_id, brand_id, channel)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO outbox_lanes (client_id, account_id, brand_id, channel, queued, sending)
            SELECT client_id, account_id, brand_id, channel, sum(status = 'queued'), sum(status = 'sending')
            FROM messages WHERE status IN ('queued', 'sending') GROUP BY client_id, account_id, brand_id, channel;
        CREATE TRIGGER messages_lane_insert AFTER INSERT ON messages
        WHEN NEW.status IN ('queued', 'sending') BEGIN
            INSERT INTO outbox_lanes (client_id, account_id, brand_id, channel, queued, sending)
            VALUES (NEW.client_id, NEW.account_id, NEW.brand_id, NEW.channel, NEW.status = 'queued',
                NEW.status = 'sending')
            ON CONFLICT DO UPDATE SET queued = queued + excluded.queued, sending = sending + excluded.sending;
        END;
        CREATE TRIGGER messages_lane_update AFTER UPDATE OF status ON messages
        WHEN OLD.status <> NEW.status AND (OLD.status IN ('queued', 'sending') OR NEW.status IN ('queued', 'sending'))
        BEGIN
            INSERT INTO outbox_lanes (client_id, account_id, brand_id, channel, queued, sending)
            VALUES (NEW.client_id, NEW.account_id, NEW.brand_id, NEW.channel,
                (NEW.status = 'queued') - (OLD.status = 'queued'), (NEW.status = 'sending') - (OLD.status = 'sending'))
            ON CONFLICT DO UPDATE SET queued = queued + excluded.queued, sending = sending + excluded.sending;
        END;
        CREATE TRIGGER messages_lane_delete AFTER DELETE ON messages
        WHEN OLD.status IN ('queued', 'sending') BEGIN
            UPDATE outbox_lanes SET queued = queued - (OLD.status = 'queued'), sending = sending - (OLD.status = 'sending')
            WHERE client_id = OLD.client_id AND account_id = OLD.account_id AND brand_id = OLD.brand_id
                AND channel = OLD.channel;
        END;
        DROP INDEX messages_due;
        CREATE INDEX messages_due_by_lane ON messages (client_id, account_id, brand_id, channel, next_attempt_at)
            WHERE status = 'queued';
        ALTER TABLE brand_channels ADD COLUMN max_in_flight INTEGER CHECK (max_in_flight > 0);
        """
}
