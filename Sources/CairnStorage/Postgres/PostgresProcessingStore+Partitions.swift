public import CairnCore
import PostgresNIO

/// Processing on PostgreSQL, where any number of nodes share the log. Each batch is one
/// REPEATABLE READ transaction that claims one partition (`FOR UPDATE SKIP LOCKED` on its row
/// of `processor_partitions`, so no two nodes hold it), takes that partition's oldest waiting
/// events, and stops where `PartitionBarrier` says an earlier event of another partition must
/// go first. The claim is the transaction's: a node that dies drops its connection, the server
/// rolls back, and the partition is free again (a stuck node's transaction is ended by
/// `idle_in_transaction_session_timeout`). Two batches that still meet on a row (a group both
/// update) fail one of them with a serialization error, and it is run again.
extension PostgresProcessingStore {
    enum BatchOutcome: Sendable {
        case noWork
        case blocked(partition: Int16)
        case processed(Int)
    }

    public func processPending(
        limit: Int,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        // A partition held back by the barrier is passed over for the next free one.
        var passed: [Int16] = []
        while passed.count < 4 {
            let passing = passed
            let outcome = try await PostgresFailure.retryingConflicts {
                try await database.transaction { connection in
                    try await processPartition(
                        limit: limit,
                        passing: passing,
                        processedAt: processedAt,
                        apply: apply,
                        on: connection
                    )
                }
            }
            switch outcome {
            case .noWork: return 0
            case .processed(let count): return count
            case .blocked(let partition): passed.append(partition)
            }
        }
        return 0
    }

    /// Processes the oldest waiting event of `sequence`'s partition alone (which is that event
    /// unless another node got to it first), waiting for the partition if another node has it.
    public func processPending(
        alone sequence: Int64,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        let outcome = try await PostgresFailure.retryingConflicts {
            try await database.transaction { connection in
                try await processPartition(
                    limit: 1,
                    of: sequence,
                    processedAt: processedAt,
                    apply: apply,
                    on: connection
                )
            }
        }
        if case .processed(let count) = outcome { return count }
        return 0
    }

    private func processPartition(
        limit: Int,
        passing passed: [Int16] = [],
        of sequence: Int64? = nil,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result,
        on connection: PostgresConnection
    ) async throws -> BatchOutcome {
        try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: database.logger)
        let claimed =
            if let sequence {
                try await claimPartition(of: sequence, on: connection)
            } else {
                try await claimPartition(passing: passed, on: connection)
            }
        guard let partition = claimed else { return .noWork }
        // The snapshot of this REPEATABLE READ transaction was taken by the claim's statement. A
        // batch that committed this partition after that, and let go of it just before the claim
        // reached it, is not in the snapshot: its events would look waiting still. Every claim
        // therefore writes its row, and a claim that reaches a row written since its snapshot
        // fails with a serialization error and is run again, on a fresh snapshot.
        try await connection.query(
            "UPDATE processor_partitions SET partition = partition WHERE partition = \(partition)",
            logger: database.logger
        )
        // The messages it queues are counted in its partition's shard of their lanes' counters,
        // which no other transaction writes (a shared one would fail batches that meet on it).
        try await connection.query(
            "SELECT set_config('cairn.lane_shard', \(String(Int(partition) + 1)), true)",
            logger: database.logger
        )
        let events = try await PostgresEventLog.storedEvents(
            database,
            """
            SELECT \(unescaped: PostgresEventLog.columns) FROM events
            WHERE status = 'accepted' AND processing_partition = \(partition) ORDER BY seq LIMIT \(limit)
            """,
            on: connection
        ).map { LoggedEvent(sequence: $0.sequence, entry: $0.stored.entry) }
        guard let first = events.first, let last = events.last else { return .noWork }
        do {
            let snapshot = try await snapshot(
                BatchKeys(of: events),
                events: events,
                withAllAnonymousIds: true,
                on: connection
            )
            let barrier = PartitionBarrier(events, snapshot: snapshot)
            let waiting = try await waitingElsewhere(
                touching: barrier.ids,
                before: last.sequence,
                partition: partition,
                on: connection
            )
            let admitted = barrier.admitted(waiting: waiting)
            guard admitted > 0 else { return .blocked(partition: partition) }
            let batch = Array(events.prefix(admitted))
            try await commit(apply(batch, snapshot), processedAt: processedAt, on: connection)
            return .processed(batch.count)
        } catch  where PostgresFailure(error) == .refusedData {
            throw EventsRefused(sequence: first.sequence, reason: PostgresDatabase.reason(error))
        }
    }

    /// The free partition whose oldest waiting event is the oldest, locked for this transaction.
    private func claimPartition(passing passed: [Int16], on connection: PostgresConnection) async throws -> Int16? {
        try await connection.query(
            """
            SELECT p.partition FROM processor_partitions p
            CROSS JOIN LATERAL (
                SELECT e.seq FROM events e WHERE e.status = 'accepted' AND e.processing_partition = p.partition
                ORDER BY e.seq LIMIT 1
            ) oldest
            WHERE p.partition <> ALL(\(passed))
            ORDER BY oldest.seq LIMIT 1
            FOR UPDATE OF p SKIP LOCKED
            """,
            logger: database.logger
        ).collect().first?.decode(Int16.self)
    }

    private func claimPartition(of sequence: Int64, on connection: PostgresConnection) async throws -> Int16? {
        try await connection.query(
            """
            SELECT p.partition FROM processor_partitions p
            JOIN events e ON e.processing_partition = p.partition
            WHERE e.seq = \(sequence)
            FOR UPDATE OF p
            """,
            logger: database.logger
        ).collect().first?.decode(Int16.self)
    }

    /// Waiting events of other partitions, earlier than `sequence`, that name any of `ids`.
    private func waitingElsewhere(
        touching ids: Set<String>,
        before sequence: Int64,
        partition: Int16,
        on connection: PostgresConnection
    ) async throws -> [PartitionBarrier.Waiting] {
        guard !ids.isEmpty else { return [] }
        let named = Array(ids)
        let rows = try await connection.query(
            """
            SELECT seq, user_id, anonymous_id, previous_id FROM events
            WHERE status = 'accepted' AND processing_partition <> \(partition) AND seq < \(sequence)
                AND (user_id = ANY(\(named)) OR anonymous_id = ANY(\(named)) OR previous_id = ANY(\(named)))
            """,
            logger: database.logger
        )
        var waiting: [PartitionBarrier.Waiting] = []
        for try await (seq, userId, anonymousId, previousId) in rows.decode((Int64, String?, String?, String?).self) {
            waiting.append(
                PartitionBarrier.Waiting(sequence: seq, ids: [userId, anonymousId, previousId].compactMap { $0 })
            )
        }
        return waiting
    }
}
