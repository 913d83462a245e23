extension PostgresMigrations {
    /// The outbox by lane, as SQLite's 0010: counters kept by statement triggers (one update per
    /// lane a statement touches, not one per row), claims per lane in the order messages fall due,
    /// and each brand channel's most messages in flight across all nodes. A lane's counters are
    /// kept in shards whose sums are its counts: a processor batch (a REPEATABLE READ transaction,
    /// which fails when a row it writes changed since its snapshot) writes the shard of its
    /// partition (`cairn.lane_shard`, 1 + the partition), which no other transaction writes;
    /// claims, outcomes and erasure write shard 0, which also holds the lane's turn (`served`).
    static let outboxLanes: [String] = [
        // Nodes still running the version before write messages meanwhile: none of their writes
        // may fall between the count below and the triggers that keep it from then on.
        "LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE",
        """
        CREATE TABLE outbox_lanes (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            shard SMALLINT NOT NULL DEFAULT 0,
            queued BIGINT NOT NULL DEFAULT 0,
            sending BIGINT NOT NULL DEFAULT 0,
            served BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (client_id, account_id, brand_id, channel, shard)
        )
        """,
        // The turns of `served`: a claim that takes from a lane gives it the next.
        "CREATE SEQUENCE outbox_lane_turns",
        """
        INSERT INTO outbox_lanes (client_id, account_id, brand_id, channel, queued, sending)
            SELECT client_id, account_id, brand_id, channel, count(*) FILTER (WHERE status = 'queued'),
                count(*) FILTER (WHERE status = 'sending')
            FROM messages WHERE status IN ('queued', 'sending') GROUP BY client_id, account_id, brand_id, channel
        """,
        """
        CREATE FUNCTION outbox_lanes_count() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            lane_shard SMALLINT := coalesce(nullif(current_setting('cairn.lane_shard', true), ''), '0')::smallint;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO outbox_lanes AS l (client_id, account_id, brand_id, channel, shard, queued, sending)
                SELECT client_id, account_id, brand_id, channel, lane_shard, count(*) FILTER (WHERE status = 'queued'),
                    count(*) FILTER (WHERE status = 'sending')
                FROM added WHERE status IN ('queued', 'sending')
                GROUP BY client_id, account_id, brand_id, channel
                ORDER BY client_id COLLATE "C", account_id COLLATE "C", brand_id COLLATE "C", channel COLLATE "C"
                ON CONFLICT (client_id, account_id, brand_id, channel, shard) DO UPDATE
                    SET queued = l.queued + excluded.queued, sending = l.sending + excluded.sending;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO outbox_lanes AS l (client_id, account_id, brand_id, channel, shard, queued, sending)
                SELECT client_id, account_id, brand_id, channel, lane_shard, -count(*) FILTER (WHERE status = 'queued'),
                    -count(*) FILTER (WHERE status = 'sending')
                FROM removed WHERE status IN ('queued', 'sending')
                GROUP BY client_id, account_id, brand_id, channel
                ORDER BY client_id COLLATE "C", account_id COLLATE "C", brand_id COLLATE "C", channel COLLATE "C"
                ON CONFLICT (client_id, account_id, brand_id, channel, shard) DO UPDATE
                    SET queued = l.queued + excluded.queued, sending = l.sending + excluded.sending;
            ELSE
                INSERT INTO outbox_lanes AS l (client_id, account_id, brand_id, channel, shard, queued, sending)
                SELECT client_id, account_id, brand_id, channel, lane_shard, sum(queued), sum(sending)
                FROM (
                    SELECT client_id, account_id, brand_id, channel, (status = 'queued')::int AS queued,
                        (status = 'sending')::int AS sending
                    FROM added
                    UNION ALL
                    SELECT client_id, account_id, brand_id, channel, -(status = 'queued')::int,
                        -(status = 'sending')::int
                    FROM removed
                ) AS c
                GROUP BY client_id, account_id, brand_id, channel
                HAVING sum(queued) <> 0 OR sum(sending) <> 0
                ORDER BY client_id COLLATE "C", account_id COLLATE "C", brand_id COLLATE "C", channel COLLATE "C"
                ON CONFLICT (client_id, account_id, brand_id, channel, shard) DO UPDATE
                    SET queued = l.queued + excluded.queued, sending = l.sending + excluded.sending;
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER messages_lane_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_lanes_count()
        """,
        """
        CREATE TRIGGER messages_lane_update AFTER UPDATE ON messages
            REFERENCING OLD TABLE AS removed NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_lanes_count()
        """,
        """
        CREATE TRIGGER messages_lane_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS removed
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_lanes_count()
        """,
        "DROP INDEX messages_due",
        """
        CREATE INDEX messages_due_by_lane ON messages (client_id, account_id, brand_id, channel, next_attempt_at)
            WHERE status = 'queued'
        """,
        "ALTER TABLE brand_channels ADD COLUMN max_in_flight INTEGER CHECK (max_in_flight > 0)",
    ]
}
