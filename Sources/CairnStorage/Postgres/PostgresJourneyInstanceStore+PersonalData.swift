public import CairnCore
import PostgresNIO

/// The journeys' part of a regulation in PostgreSQL (as SQLite's).
extension PostgresJourneyInstanceStore: PersonalDataStore {
    public var personalData: PersonalData { .journeys }

    /// Deletes the customers' instances; their steps, listeners and signals go by cascade.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let ids = subject.customerIds
        guard !ids.isEmpty else { return 0 }
        return try await database.query(
            "DELETE FROM journey_instances WHERE customer_id = ANY(\(ids)) RETURNING instance_id"
        ).count
    }

    /// A suppressed customer's active instances end (`exited`): nothing more is sent them.
    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? {
        let ids = subject.customerIds
        guard !ids.isEmpty else { return 0 }
        let logger = database.logger
        return try await database.transaction { connection in
            let ended = try await connection.query(
                """
                UPDATE journey_instances SET status = 'exited', ended_at = \(time.millisecondsSinceEpoch),
                    step_id = NULL, wake_at = NULL, awaiting = NULL, signalled = false
                WHERE customer_id = ANY(\(ids)) AND status = 'active'
                RETURNING instance_id
                """,
                logger: logger
            ).collect().map { try $0.decode(String.self) }
            try await connection.query(
                "DELETE FROM journey_listeners WHERE instance_id = ANY(\(ended))",
                logger: logger
            )
            return ended.count
        }
    }

    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            let instanceIds = try await database.query(
                "SELECT instance_id FROM journey_instances WHERE customer_id = \(id) ORDER BY instance_id"
            ).map { try $0.decode(String.self) }
            for instanceId in instanceIds {
                guard let (instance, steps) = try await self.instance(tenant: subject.tenant, instanceId: instanceId)
                else { continue }
                exported[id, default: []].append(JourneyExport.json(instance, steps: steps))
            }
        }
        return exported
    }
}
