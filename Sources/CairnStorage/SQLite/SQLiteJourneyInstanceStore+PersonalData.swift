public import CairnCore
import Foundation
import GRDB

/// The journeys' part of a regulation in SQLite: erased all at once (a customer has few), ended
/// when the customer is suppressed, and exported with every step.
extension SQLiteJourneyInstanceStore: PersonalDataStore {
    public var personalData: PersonalData { .journeys }

    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        try await SQLiteErasure.eachCustomer(subject.customerIds, in: database) { db, id in
            try Self.deleteInstances(ofCustomer: id, db)
        }
    }

    /// Deletes a customer's instances with their steps, listeners and signals.
    static func deleteInstances(ofCustomer id: String, _ db: Database) throws {
        for table in ["journey_steps", "journey_listeners", "journey_signals"] {
            try db.execute(
                sql: """
                    DELETE FROM \(table) WHERE instance_id IN (SELECT instance_id FROM journey_instances WHERE customer_id = ?)
                    """,
                arguments: [id]
            )
        }
        try db.execute(sql: "DELETE FROM journey_instances WHERE customer_id = ?", arguments: [id])
    }

    /// A suppressed customer's active instances end (`exited`): nothing more is sent them.
    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? {
        guard !subject.customerIds.isEmpty else { return 0 }
        return try await database.write { db in
            var ended = 0
            for id in subject.customerIds {
                try db.execute(
                    sql: """
                        UPDATE journey_instances SET status = 'exited', ended_at = ?, step_id = NULL, wake_at = NULL,
                            awaiting = NULL, signalled = 0
                        WHERE customer_id = ? AND status = 'active'
                        """,
                    arguments: [time.millisecondsSinceEpoch, id]
                )
                ended += db.changesCount
                try db.execute(
                    sql: """
                        DELETE FROM journey_listeners WHERE instance_id IN
                            (SELECT instance_id FROM journey_instances WHERE customer_id = ?)
                        """,
                    arguments: [id]
                )
            }
            return ended
        }
    }

    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            let instanceIds = try await database.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT instance_id FROM journey_instances WHERE customer_id = ? ORDER BY instance_id",
                    arguments: [id]
                )
            }
            for instanceId in instanceIds {
                guard let (instance, steps) = try await self.instance(tenant: subject.tenant, instanceId: instanceId)
                else { continue }
                exported[id, default: []].append(JourneyExport.json(instance, steps: steps))
            }
        }
        return exported
    }
}

/// A journey instance as an access export writes it.
enum JourneyExport {
    static func json(_ instance: JourneyInstance, steps: [JourneyStepRecord]) -> JSONValue {
        [
            "instanceId": .string(instance.instanceId), "journeyId": .string(instance.journeyId),
            "version": .number(String(instance.version)), "status": .string(instance.status.rawValue),
            "data": .object(instance.data), "enteredAt": .string(instance.enteredAt.iso8601),
            "endedAt": instance.endedAt.map { .string($0.iso8601) } ?? .null,
            "steps": .array(
                steps.map { step in
                    [
                        "at": .string(step.at.iso8601), "stepId": .string(step.stepId), "type": .string(step.type),
                        "outcome": .string(step.outcome), "messageIds": .array(step.messageIds.map(JSONValue.string)),
                    ]
                }
            ),
        ]
    }
}
