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
    /// and times; then those that name the subject's ids without being linked to a customer (the
    /// processor failed them).
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        var erased = 0
        if !customerIds.isEmpty {
            erased = try await database.query(
                """
                WITH target AS (SELECT seq FROM events WHERE customer_id = ANY(\(customerIds)) LIMIT \(limit)),
                \(unescaped: PostgresErasure.forgetTargetMessageIds)
                UPDATE events SET \(unescaped: PostgresErasure.erasedEvent)
                WHERE seq IN (SELECT seq FROM target)
                RETURNING seq
                """
            ).count
        }
        let ids = subject.identities
        guard erased < limit, !ids.isEmpty else { return erased }
        let tenant = subject.tenant
        return try await erased
            + database.query(
                """
                WITH target AS (
                    SELECT seq FROM events
                    WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                        AND brand_id = \(tenant.brandId) AND customer_id IS NULL AND status <> 'accepted'
                        AND (user_id = ANY(\(ids)) OR anonymous_id = ANY(\(ids)) OR previous_id = ANY(\(ids)))
                    LIMIT \(limit - erased)),
                \(unescaped: PostgresErasure.forgetTargetMessageIds)
                UPDATE events SET \(unescaped: PostgresErasure.erasedEvent)
                WHERE seq IN (SELECT seq FROM target)
                RETURNING seq
                """
            ).count
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Each customer's events, newest first, read `page` at a time (from the customers' index,
    /// each page after the last one's time and place in the log).
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
        let (tenant, size) = (subject.tenant, max(1, page))
        var exported: [String: [JSONValue]] = [:]
        for id in subject.customerIds {
            var events: [JSONValue] = []
            var before = (time: Int64.max, sequence: Int64.max)
            while true {
                let rows = try await Self.storedEvents(
                    database,
                    """
                    SELECT \(unescaped: Self.columns) FROM events
                    WHERE customer_id = \(id) AND client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                        AND brand_id = \(tenant.brandId) AND (event_time, seq) < (\(before.time), \(before.sequence))
                    ORDER BY event_time DESC, seq DESC LIMIT \(size)
                    """
                )
                events += rows.map(\.stored.exported)
                guard rows.count == size, let last = rows.last else { break }
                before = (last.stored.entry.event.eventTime.millisecondsSinceEpoch, last.sequence)
            }
            exported[id] = events
        }
        return exported
    }
}
