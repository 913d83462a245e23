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
    /// and times; then those that name the subject's ids without being linked to a customer (the
    /// processor failed them), found by a read that does not hold up writers.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let customerIds = subject.customerIds
        var erased = 0
        if !customerIds.isEmpty {
            erased = try await database.write { db in
                let list = Array(repeating: "?", count: customerIds.count).joined(separator: ", ")
                let seqs = try Int64.fetchAll(
                    db,
                    sql: "SELECT seq FROM events WHERE customer_id IN (\(list)) LIMIT ?",
                    arguments: StatementArguments(customerIds) + [limit]
                )
                return try SQLiteErasure.eraseEvents(seqs, db)
            }
        }
        guard erased < limit, !subject.identities.isEmpty else { return erased }
        let unlinked = try await unlinkedEvents(naming: subject, limit: limit - erased)
        guard !unlinked.isEmpty else { return erased }
        // Still unlinked: the processor does not take failed events up again.
        let more = try await database.write { db in try SQLiteErasure.eraseEvents(unlinked, db) }
        return erased + more
    }

    /// Events of the subject's brand that no customer holds but that name one of its ids.
    private func unlinkedEvents(naming subject: DataSubject, limit: Int) async throws -> [Int64] {
        let ids = subject.identities
        let tenant = subject.tenant
        return try await database.read { db in
            let list = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            return try Int64.fetchAll(
                db,
                sql: """
                    SELECT seq FROM events
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND customer_id IS NULL
                        AND status <> 'accepted'
                        AND (user_id IN (\(list)) OR anonymous_id IN (\(list)) OR previous_id IN (\(list)))
                    LIMIT ?
                    """,
                arguments: [tenant.clientId, tenant.accountId, tenant.brandId] + StatementArguments(ids)
                    + StatementArguments(ids) + StatementArguments(ids) + [limit]
            )
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
