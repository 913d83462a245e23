public import CairnCore
import GRDB

/// The events' part of a regulation in SQLite: erased in slices, exported as the customers'
/// timelines.
extension SQLiteEventLog: PersonalDataStore {
    public var personalData: PersonalData { .events }

    public func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM events WHERE status = 'accepted' AND received_at < ?
                        AND client_id = ? AND account_id = ? AND brand_id = ?)
                    """,
                arguments: [time.millisecondsSinceEpoch, tenant.clientId, tenant.accountId, tenant.brandId]
            ) ?? false
        }
    }

    /// Erases the payloads and ids of up to `limit` of the customers' events, which stay as ids
    /// and times.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        guard !customerIds.isEmpty else { return 0 }
        return try await database.write { db in
            let list = Array(repeating: "?", count: customerIds.count).joined(separator: ", ")
            try db.execute(
                sql: """
                    UPDATE events SET \(SQLiteErasure.erasedEvent)
                    WHERE seq IN (SELECT seq FROM events WHERE customer_id IN (\(list)) LIMIT ?)
                    """,
                arguments: StatementArguments(customerIds) + [limit]
            )
            return db.changesCount
        }
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Each customer's events, newest first.
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
        let reader = SQLiteProfileReader(database: database)
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            exported[id] = try await reader.timeline(
                customerId: id,
                tenant: subject.tenant,
                from: 0,
                size: Int(Int32.max)
            )
            .map(\.exported)
        }
        return exported
    }
}
