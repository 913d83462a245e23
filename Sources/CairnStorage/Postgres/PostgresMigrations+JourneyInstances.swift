extension PostgresMigrations {
    /// Customers on journeys and the steps they took (as SQLiteMigrations' of the same name).
    static let journeyInstances: [String] = [
        """
        CREATE TABLE journey_instances (
            instance_id TEXT PRIMARY KEY,
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            journey_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            customer_id TEXT NOT NULL,
            user_id TEXT,
            event_id TEXT NOT NULL,
            data BYTEA NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'exited')),
            step_id TEXT,
            visits INTEGER NOT NULL DEFAULT 0,
            wake_at BIGINT,
            awaiting TEXT,
            entered_at BIGINT NOT NULL,
            ended_at BIGINT,
            lease_until BIGINT,
            attempts INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX journey_instances_due ON journey_instances (wake_at) WHERE status = 'active' AND wake_at IS NOT NULL",
        "CREATE INDEX journey_instances_by_customer ON journey_instances (customer_id, journey_id)",
        """
        CREATE INDEX journey_instances_by_journey
            ON journey_instances (client_id, account_id, brand_id, journey_id, instance_id)
        """,
        "CREATE INDEX journey_instances_by_event ON journey_instances (event_id)",
        """
        CREATE TABLE journey_steps (
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at BIGINT NOT NULL,
            step_id TEXT NOT NULL,
            type TEXT NOT NULL,
            outcome TEXT NOT NULL,
            visit INTEGER NOT NULL,
            message_ids BYTEA,
            PRIMARY KEY (instance_id, seq)
        )
        """,
    ]
}
