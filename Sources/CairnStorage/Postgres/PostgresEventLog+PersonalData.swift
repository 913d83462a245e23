public import CairnCore
import PostgresNIO

/// The events' part of a regulation in PostgreSQL: erased in slices, exported as the customers'
/// timelines.
extension PostgresEventLog: PersonalDataStore {
    public var personalData: PersonalData { .events }

    public func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool {
        try await database.query(
            """
            SELECT EXISTS (SELECT 1 FROM events WHERE status = 'accepted'
                AND received_at < \(time.millisecondsSinceEpoch) AND client_id = \(tenant.clientId)
                AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId))
            """
        ).first?.decode(Bool.self) ?? false
    }

    /// Erases the payloads and ids of up to `limit` of the customers' events, which stay as ids
    /// and times.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        guard !customerIds.isEmpty else { return 0 }
        return try await database.query(
            """
            UPDATE events SET \(unescaped: PostgresErasure.erasedEvent)
            WHERE seq IN (SELECT seq FROM events WHERE customer_id = ANY(\(customerIds)) LIMIT \(limit))
            RETURNING seq
            """
        ).count
    }

    public func cancelWaiting(_ subject: DataSubject, at time: Timestamp) async throws -> Int? { nil }

    /// Each customer's events, newest first.
    public func export(_ subject: DataSubject) async throws -> [String: [JSONValue]] {
        let reader = PostgresProfileReader(database: database)
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            exported[id] = try await reader.timeline(
                customerId: id,
                tenant: subject.tenant,
                from: 0,
                size: Int(Int32.max)
            ).map(\.exported)
        }
        return exported
    }
}
