extension SQLiteMigrations {
    /// Customers on journeys: each instance is its own timer (`wake_at`, claimed with a lease as
    /// the outbox's messages are), and the steps it took.
    static let journeyInstances = """
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
            data BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'exited')),
            step_id TEXT,
            visits INTEGER NOT NULL DEFAULT 0,
            wake_at INTEGER,
            awaiting TEXT,
            entered_at INTEGER NOT NULL,
            ended_at INTEGER,
            lease_until INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX journey_instances_due ON journey_instances (wake_at) WHERE status = 'active' AND wake_at IS NOT NULL;
        CREATE INDEX journey_instances_by_customer ON journey_instances (customer_id, journey_id);
        CREATE INDEX journey_instances_by_journey ON journey_instances (client_id, account_id, brand_id, journey_id, instance_id);
        CREATE INDEX journey_instances_by_event ON journey_instances (event_id);
        CREATE TABLE journey_steps (
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at INTEGER NOT NULL,
            step_id TEXT NOT NULL,
            type TEXT NOT NULL,
            outcome TEXT NOT NULL,
            visit INTEGER NOT NULL,
            message_ids BLOB,
            PRIMARY KEY (instance_id, seq)
        ) STRICT;
        """
}
