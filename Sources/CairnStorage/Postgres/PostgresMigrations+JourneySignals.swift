extension PostgresMigrations {
    /// The events journeys listen for (as SQLiteMigrations' of the same name).
    static let journeySignals: [String] = [
        "ALTER TABLE journey_instances ADD COLUMN signalled BOOLEAN NOT NULL DEFAULT false",
        """
        CREATE INDEX journey_instances_signalled ON journey_instances (instance_id)
            WHERE status = 'active' AND signalled
        """,
        """
        CREATE TABLE journey_listeners (
            customer_id TEXT NOT NULL,
            event_name TEXT NOT NULL,
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            PRIMARY KEY (customer_id, event_name, instance_id)
        )
        """,
        "CREATE INDEX journey_listeners_by_instance ON journey_listeners (instance_id)",
        """
        CREATE TABLE journey_signals (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            instance_id TEXT NOT NULL REFERENCES journey_instances (instance_id) ON DELETE CASCADE,
            event_name TEXT NOT NULL,
            at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX journey_signals_by_instance ON journey_signals (instance_id, id)",
    ]
}
