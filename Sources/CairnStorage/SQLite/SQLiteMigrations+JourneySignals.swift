extension SQLiteMigrations {
    /// The events journeys listen for: which customers' events an instance waits on (its
    /// journey's exitOn, a wait_for_event's event), and the events that came, for the engine.
    static let journeySignals = """
        ALTER TABLE journey_instances ADD COLUMN signalled INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX journey_instances_signalled ON journey_instances (instance_id)
            WHERE status = 'active' AND signalled = 1;
        CREATE TABLE journey_listeners (
            customer_id TEXT NOT NULL,
            event_name TEXT NOT NULL,
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            PRIMARY KEY (customer_id, event_name, instance_id)
        ) STRICT;
        CREATE INDEX journey_listeners_by_instance ON journey_listeners (instance_id);
        CREATE TABLE journey_signals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            event_name TEXT NOT NULL,
            at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX journey_signals_by_instance ON journey_signals (instance_id, id);
        """
}
