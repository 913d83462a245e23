extension PostgresMigrations {
    /// Data-protection requests and the suppressions they make (as SQLite's 0009). A suppression
    /// keeps only a digest of the id or email it matches; a regulation keeps its subject until it
    /// is erased.
    static let regulations: [String] = [
        """
        CREATE TABLE regulations (
            id TEXT PRIMARY KEY CHECK (length(id) = 36),
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('suppress', 'unsuppress', 'delete', 'suppress_with_delete',
                'no_track', 'track', 'access')),
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ('userId', 'email', 'anonymousId')),
            subject_value TEXT,
            subject_digest TEXT NOT NULL CHECK (length(subject_digest) = 64),
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            requested_by TEXT,
            requested_at BIGINT NOT NULL,
            completed_at BIGINT,
            lease_until BIGINT,
            lease_holder TEXT,
            result BYTEA,
            error_code TEXT,
            error_message TEXT,
            export BYTEA
        )
        """,
        "CREATE INDEX regulations_pending ON regulations (requested_at) WHERE status = 'pending'",
        "CREATE INDEX regulations_by_brand ON regulations (client_id, account_id, brand_id, requested_at)",
        """
        CREATE TABLE suppressions (
            client_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            brand_id TEXT NOT NULL,
            key_digest TEXT NOT NULL CHECK (length(key_digest) = 64),
            kind TEXT NOT NULL CHECK (kind IN ('suppress', 'no_track')),
            regulation_id TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (client_id, account_id, brand_id, key_digest, kind)
        )
        """,
        "CREATE INDEX suppressions_by_regulation ON suppressions (regulation_id)",
        // Set with the suppression in one transaction; an outbox claim reads it, so that a
        // message a processor queued while the suppression was being made is not sent either.
        "ALTER TABLE customers ADD COLUMN suppressed BOOLEAN NOT NULL DEFAULT false",
    ]
}
