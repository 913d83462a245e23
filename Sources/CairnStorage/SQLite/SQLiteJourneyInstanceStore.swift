public import CairnCore
import Foundation
import GRDB

/// Journey instances in SQLite: one node writes the file, so its clock is the clock; a claim is
/// one `UPDATE … RETURNING` in the single writer's transaction.
public struct SQLiteJourneyInstanceStore: JourneyInstanceStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func claimDue(now: Timestamp, lease: Duration, limit: Int) async throws -> [ClaimedInstance] {
        let (at, until) = (now.millisecondsSinceEpoch, now.adding(lease).millisecondsSinceEpoch)
        return try await database.write { db in
            let claimed = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE journey_instances SET lease_until = ?, attempts = attempts + 1
                        WHERE instance_id IN (
                            SELECT instance_id FROM (
                                SELECT instance_id FROM journey_instances
                                WHERE status = 'active' AND wake_at IS NOT NULL AND wake_at <= ?
                                    AND (lease_until IS NULL OR lease_until <= ?)
                                ORDER BY wake_at LIMIT ?)
                            UNION
                            SELECT instance_id FROM (
                                SELECT instance_id FROM journey_instances
                                WHERE status = 'active' AND signalled = 1 AND (lease_until IS NULL OR lease_until <= ?)
                                    AND NOT EXISTS (
                                        SELECT 1 FROM journeys AS j WHERE j.client_id = journey_instances.client_id
                                            AND j.account_id = journey_instances.account_id
                                            AND j.brand_id = journey_instances.brand_id
                                            AND j.journey_id = journey_instances.journey_id AND j.status = 'paused')
                                ORDER BY wake_at LIMIT ?))
                        RETURNING \(SQLiteJourneyInstanceRows.columns), attempts
                        """
                ),
                arguments: [until, at, at, limit, at, limit]
            ).map { row in
                ClaimedInstance(instance: try SQLiteJourneyInstanceRows.decode(row), attempt: row["attempts"])
            }
            let signals = try db.cachedStatement(
                sql: "SELECT id, event_name, at FROM journey_signals WHERE instance_id = ? ORDER BY id"
            )
            return try claimed.map { item in
                var item = item
                item.signals = try Row.fetchAll(signals, arguments: [item.instance.instanceId]).map {
                    ClaimedInstance.Signal(id: $0[0], eventName: $0[1], at: Timestamp(millisecondsSinceEpoch: $0[2]))
                }
                return item
            }
        }
    }

    public func record(_ progresses: [InstanceProgress], at time: Timestamp) async throws -> [Bool] {
        try await database.write { db in try progresses.map { try Self.record($0, db) } }
    }

    /// Records one claimed instance's progress in the transaction under way.
    static func record(_ progress: InstanceProgress, _ db: Database) throws -> Bool {
        let instance = progress.instance
        try db.cachedStatement(
            sql: """
                UPDATE journey_instances SET status = ?, step_id = ?, visits = ?, wake_at = ?, awaiting = ?,
                    ended_at = ?, data = ?, lease_until = NULL, signalled = 0
                WHERE instance_id = ? AND attempts = ? AND status = 'active'
                """
        ).execute(arguments: [
            instance.status.rawValue, instance.stepId, instance.visits, instance.wakeAt?.millisecondsSinceEpoch,
            instance.awaiting, instance.endedAt?.millisecondsSinceEpoch,
            Data(JSONValue.object(instance.data).encoded()), instance.instanceId, progress.attempt,
        ])
        guard db.changesCount == 1 else { return false }
        try db.cachedStatement(sql: "DELETE FROM journey_signals WHERE instance_id = ? AND id <= ?")
            .execute(arguments: [instance.instanceId, progress.signalsThrough ?? 0])
        try SQLiteJourneyInstanceRows.listen(instance, db)
        // Events that came while it stepped wait for the next claim.
        if instance.status == .active {
            try db.cachedStatement(
                sql: """
                    UPDATE journey_instances SET signalled = 1
                    WHERE instance_id = ? AND EXISTS (SELECT 1 FROM journey_signals WHERE instance_id = ?)
                    """
            ).execute(arguments: [instance.instanceId, instance.instanceId])
        } else {
            try db.cachedStatement(sql: "DELETE FROM journey_signals WHERE instance_id = ?")
                .execute(arguments: [instance.instanceId])
        }
        let next =
            try Int.fetchOne(
                db,
                sql: "SELECT coalesce(max(seq), 0) + 1 FROM journey_steps WHERE instance_id = ?",
                arguments: [instance.instanceId]
            ) ?? 1
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO journey_steps (instance_id, seq, at, step_id, type, outcome, visit, message_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (offset, step) in progress.steps.enumerated() {
            try insert.execute(arguments: [
                instance.instanceId, next + offset, step.at.millisecondsSinceEpoch, step.stepId, step.type,
                step.outcome, step.visit,
                step.messageIds.isEmpty
                    ? nil : Data(JSONValue.array(step.messageIds.map(JSONValue.string)).encoded()),
            ])
        }
        for message in progress.messages { try SQLiteMessageRows.insert(message, db) }
        return true
    }

    public func instance(tenant: Tenant, instanceId: String) async throws -> (JourneyInstance, [JourneyStepRecord])? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(SQLiteJourneyInstanceRows.columns) FROM journey_instances
                        WHERE instance_id = ? AND client_id = ? AND account_id = ? AND brand_id = ?
                        """,
                    arguments: [instanceId, tenant.clientId, tenant.accountId, tenant.brandId]
                )
            else { return nil }
            let steps = try Row.fetchAll(
                db,
                sql: """
                    SELECT at, step_id, type, outcome, visit, message_ids FROM journey_steps
                    WHERE instance_id = ? ORDER BY seq
                    """,
                arguments: [instanceId]
            ).map { row in
                JourneyStepRecord(
                    at: Timestamp(millisecondsSinceEpoch: row[0]),
                    stepId: row[1],
                    type: row[2],
                    outcome: row[3],
                    visit: row[4],
                    messageIds: JourneyStepRows.messageIds((row[5] as Data?).map { [UInt8]($0) })
                )
            }
            return (try SQLiteJourneyInstanceRows.decode(row), steps)
        }
    }

    public func instances(eventId: EventID) async throws -> [JourneyInstance] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteJourneyInstanceRows.columns) FROM journey_instances WHERE event_id = ?
                    ORDER BY instance_id
                    """,
                arguments: [eventId.description]
            ).map(SQLiteJourneyInstanceRows.decode)
        }
    }

    public func instances(
        tenant: Tenant,
        journeyId: String,
        status: JourneyInstance.Status?,
        userId: String?,
        limit: Int,
        before: String?
    ) async throws -> [JourneyInstance] {
        try await database.read { db in
            var sql = """
                SELECT \(SQLiteJourneyInstanceRows.columns) FROM journey_instances
                WHERE client_id = ? AND account_id = ? AND brand_id = ? AND journey_id = ?
                """
            var arguments: StatementArguments = [tenant.clientId, tenant.accountId, tenant.brandId, journeyId]
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let userId {
                sql += " AND user_id = ?"
                arguments += [userId]
            }
            if let before {
                sql += " AND instance_id < ?"
                arguments += [before]
            }
            sql += " ORDER BY instance_id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteJourneyInstanceRows.decode)
        }
    }

    public func stepCounts(tenant: Tenant, journeyId: String) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT step_id, count(*) FROM journey_instances
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND journey_id = ? AND status = 'active'
                        AND step_id IS NOT NULL
                    GROUP BY step_id
                    """,
                arguments: [tenant.clientId, tenant.accountId, tenant.brandId, journeyId]
            ) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    public func dueCount(now: Timestamp) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM journey_instances
                    WHERE status = 'active' AND wake_at IS NOT NULL AND wake_at <= ?
                    """,
                arguments: [now.millisecondsSinceEpoch]
            ) ?? 0
        }
    }
}

/// A step's message ids as stored: a JSON array, or nothing.
enum JourneyStepRows {
    static func messageIds(_ bytes: [UInt8]?) -> [String] {
        guard let bytes, let items = (try? JSONParser.parse(bytes))?.arrayValue else { return [] }
        return items.compactMap(\.stringValue)
    }
}
