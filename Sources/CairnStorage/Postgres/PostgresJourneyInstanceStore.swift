public import CairnCore
import Foundation
import PostgresNIO

/// Journey instances in PostgreSQL, shared by every node: due instances (by the claiming node's
/// clock, as the outbox's retries are) are claimed with `FOR UPDATE SKIP LOCKED` and leased by the
/// database's clock (a node whose clock runs ahead never reclaims a live step), and a step's
/// record is fenced by the claim's attempt.
public struct PostgresJourneyInstanceStore: JourneyInstanceStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    static let databaseNow = PostgresOutboxStore.databaseNow

    public func claimDue(now: Timestamp, lease: Duration, limit: Int) async throws -> [ClaimedInstance] {
        let logger = database.logger
        return try await database.transaction { connection in
            var claimed = try await connection.query(
                """
                UPDATE journey_instances AS j
                SET lease_until = \(unescaped: Self.databaseNow) + \(lease.milliseconds), attempts = j.attempts + 1
                WHERE j.instance_id IN (
                    SELECT instance_id FROM journey_instances
                    WHERE status = 'active' AND wake_at IS NOT NULL AND wake_at <= \(now.millisecondsSinceEpoch)
                        AND (lease_until IS NULL OR lease_until <= \(unescaped: Self.databaseNow))
                    ORDER BY wake_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                    OR j.instance_id IN (
                    SELECT instance_id FROM journey_instances
                    WHERE status = 'active' AND signalled
                        AND (lease_until IS NULL OR lease_until <= \(unescaped: Self.databaseNow))
                        AND NOT EXISTS (
                            SELECT 1 FROM journeys AS p WHERE p.client_id = journey_instances.client_id
                                AND p.account_id = journey_instances.account_id
                                AND p.brand_id = journey_instances.brand_id
                                AND p.journey_id = journey_instances.journey_id AND p.status = 'paused')
                    ORDER BY wake_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PostgresJourneyInstanceRows.columns), j.attempts
                """,
                logger: logger
            ).collect().map { row in
                ClaimedInstance(
                    instance: try PostgresJourneyInstanceRows.decode(row),
                    attempt: try row.makeRandomAccess()[17].decode(Int.self)
                )
            }
            for index in claimed.indices {
                claimed[index].signals = try await connection.query(
                    """
                    SELECT id, event_name, at FROM journey_signals WHERE instance_id = \(claimed[index].instance.instanceId)
                    ORDER BY id
                    """,
                    logger: logger
                ).collect().map { row in
                    let (id, name, at) = try row.decode((Int64, String, Int64).self)
                    return ClaimedInstance.Signal(id: id, eventName: name, at: Timestamp(millisecondsSinceEpoch: at))
                }
            }
            return claimed
        }
    }

    public func record(_ progresses: [InstanceProgress], at time: Timestamp) async throws -> [Bool] {
        let logger = database.logger
        return try await database.transaction { connection in
            var saved: [Bool] = []
            for progress in progresses {
                saved.append(try await Self.record(progress, on: connection, logger: logger))
            }
            return saved
        }
    }

    /// Records one claimed instance's progress in the transaction under way.
    static func record(
        _ progress: InstanceProgress,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws
        -> Bool
    {
        do {
            let instance = progress.instance
            let updated = try await connection.query(
                """
                UPDATE journey_instances SET status = \(instance.status.rawValue), step_id = \(instance.stepId),
                    visits = \(instance.visits), wake_at = \(instance.wakeAt?.millisecondsSinceEpoch),
                    awaiting = \(instance.awaiting), ended_at = \(instance.endedAt?.millisecondsSinceEpoch),
                    data = \(ByteBuffer(bytes: JSONValue.object(instance.data).encoded())), lease_until = NULL,
                    signalled = false
                WHERE instance_id = \(instance.instanceId) AND attempts = \(progress.attempt) AND status = 'active'
                RETURNING instance_id
                """,
                logger: logger
            ).collect()
            guard !updated.isEmpty else { return false }
            try await connection.query(
                """
                DELETE FROM journey_signals WHERE instance_id = \(instance.instanceId)
                    AND (id <= \(progress.signalsThrough ?? 0) OR \(instance.status != .active))
                """,
                logger: logger
            )
            try await PostgresJourneyInstanceRows.listen(instance, on: connection, logger: logger)
            // Events that came while it stepped wait for the next claim.
            try await connection.query(
                """
                UPDATE journey_instances SET signalled = true
                WHERE instance_id = \(instance.instanceId) AND status = 'active'
                    AND EXISTS (SELECT 1 FROM journey_signals WHERE instance_id = \(instance.instanceId))
                """,
                logger: logger
            )
            let next =
                try await connection.query(
                    "SELECT coalesce(max(seq), 0) + 1 FROM journey_steps WHERE instance_id = \(instance.instanceId)",
                    logger: logger
                ).collect().first?.decode(Int.self) ?? 1
            for (offset, step) in progress.steps.enumerated() {
                let ids: ByteBuffer? =
                    step.messageIds.isEmpty
                    ? nil : ByteBuffer(bytes: JSONValue.array(step.messageIds.map(JSONValue.string)).encoded())
                try await connection.query(
                    """
                    INSERT INTO journey_steps (instance_id, seq, at, step_id, type, outcome, visit, message_ids)
                    VALUES (\(instance.instanceId), \(next + offset), \(step.at.millisecondsSinceEpoch), \(step.stepId),
                        \(step.type), \(step.outcome), \(step.visit), \(ids))
                    """,
                    logger: logger
                )
            }
            let byLane = progress.messages.sorted {
                PostgresOutboxStore.LaneKey($0) < PostgresOutboxStore.LaneKey($1)
            }
            for message in byLane { try await PostgresMessageRows.insert(message, on: connection, logger: logger) }
            return true
        }
    }

    public func instance(tenant: Tenant, instanceId: String) async throws -> (JourneyInstance, [JourneyStepRecord])? {
        let logger = database.logger
        return try await database.withConnection { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT \(unescaped: PostgresJourneyInstanceRows.columns) FROM journey_instances
                    WHERE instance_id = \(instanceId) AND client_id = \(tenant.clientId)
                        AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                    """,
                    logger: logger
                ).collect().first
            else { return nil }
            var steps: [JourneyStepRecord] = []
            for step in try await connection.query(
                """
                SELECT at, step_id, type, outcome, visit, message_ids FROM journey_steps
                WHERE instance_id = \(instanceId) ORDER BY seq
                """,
                logger: logger
            ).collect() {
                let (at, stepId, type, outcome, visit, ids) = try step.decode(
                    (Int64, String, String, String, Int, ByteBuffer?).self
                )
                steps.append(
                    JourneyStepRecord(
                        at: Timestamp(millisecondsSinceEpoch: at),
                        stepId: stepId,
                        type: type,
                        outcome: outcome,
                        visit: visit,
                        messageIds: JourneyStepRows.messageIds(ids.map { Array($0.readableBytesView) })
                    )
                )
            }
            return (try PostgresJourneyInstanceRows.decode(row), steps)
        }
    }

    public func instances(eventId: EventID) async throws -> [JourneyInstance] {
        try await database.query(
            """
            SELECT \(unescaped: PostgresJourneyInstanceRows.columns) FROM journey_instances
            WHERE event_id = \(eventId.description) ORDER BY instance_id
            """
        ).map(PostgresJourneyInstanceRows.decode)
    }

    public func instances(
        tenant: Tenant,
        journeyId: String,
        status: JourneyInstance.Status?,
        userId: String?,
        limit: Int,
        before: String?
    ) async throws -> [JourneyInstance] {
        try await database.query(
            """
            SELECT \(unescaped: PostgresJourneyInstanceRows.columns) FROM journey_instances
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId)
                AND (\(status == nil) OR status = \(status?.rawValue ?? ""))
                AND (\(userId == nil) OR user_id = \(userId ?? ""))
                AND (\(before == nil) OR instance_id < \(before ?? ""))
            ORDER BY instance_id DESC LIMIT \(limit)
            """
        ).map(PostgresJourneyInstanceRows.decode)
    }

    public func stepCounts(tenant: Tenant, journeyId: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await database.query(
            """
            SELECT step_id, count(*) FROM journey_instances
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId) AND journey_id = \(journeyId) AND status = 'active'
                AND step_id IS NOT NULL
            GROUP BY step_id
            """
        ) {
            let (step, count) = try row.decode((String, Int).self)
            counts[step] = count
        }
        return counts
    }

    public func dueCount(now: Timestamp) async throws -> Int {
        try await database.query(
            """
            SELECT count(*) FROM journey_instances
            WHERE status = 'active' AND wake_at IS NOT NULL AND wake_at <= \(now.millisecondsSinceEpoch)
            """
        ).first?.decode(Int.self) ?? 0
    }
}
