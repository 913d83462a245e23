public import CairnCore
import Foundation
import GRDB

/// The steps that carry a regulation out in SQLite, each in its own transaction.
extension SQLiteRegulationStore {
    public func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile] {
        guard let value = subject.value else { return [] }
        return try await database.pool.read { db in
            let inBrand = "client_id = ? AND account_id = ? AND brand_id = ?"
            let brand = SQLiteProfileRows.tenantArguments(tenant)
            let byAlias = """
                id IN (SELECT customer_id FROM customer_aliases WHERE anonymous_id = ? AND \(inBrand))
                """
            return switch subject.kind {
            case .userId:
                try SQLiteProfileRows.profile(
                    db,
                    where: "(user_id = ? AND \(inBrand)) OR \(byAlias)",
                    [value] + brand + [value] + brand
                )
            case .anonymousId:
                try SQLiteProfileRows.profile(db, where: byAlias, [value] + brand)
            case .email:
                try SQLiteProfileRows.profile(db, where: "lower(email) = lower(?) AND \(inBrand)", [value] + brand)
            }
        }
    }

    public func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool {
        try await database.pool.read { db in
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

    public func suppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String],
        regulationId: String,
        at time: Timestamp
    ) async throws -> Int {
        try await database.pool.write { db in
            if kind == .suppress { try Self.mark(customerIds, suppressed: true, db) }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO suppressions (client_id, account_id, brand_id, key_digest, kind, regulation_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
            )
            var added = 0
            for key in keys {
                try insert.execute(arguments: [
                    key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest, kind.rawValue,
                    regulationId, time.millisecondsSinceEpoch,
                ])
                added += db.changesCount
            }
            return added
        }
    }

    public func unsuppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String]
    ) async throws -> Int {
        try await database.pool.write { db in
            if kind == .suppress { try Self.mark(customerIds, suppressed: false, db) }
            let find = try db.cachedStatement(
                sql: """
                    SELECT regulation_id FROM suppressions
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND key_digest = ? AND kind = ?
                    """
            )
            var regulations: Set<String> = []
            for key in keys {
                regulations.formUnion(
                    try String.fetchAll(
                        find,
                        arguments: [
                            key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest, kind.rawValue,
                        ]
                    )
                )
            }
            var lifted = 0
            for regulationId in regulations {
                try db.execute(
                    sql: "DELETE FROM suppressions WHERE regulation_id = ? AND kind = ?",
                    arguments: [regulationId, kind.rawValue]
                )
                lifted += db.changesCount
            }
            return lifted
        }
    }

    public func failWaitingMessages(
        customerIds: [String],
        error: MessageError,
        at time: Timestamp
    ) async throws -> Int {
        try await eachCustomer(customerIds) { db, id in
            try db.execute(
                sql: """
                    UPDATE messages SET status = 'failed', error_code = ?, error_message = ?, lease_until = NULL,
                        updated_at = ?
                    WHERE customer_id = ? AND status = 'queued'
                    """,
                arguments: [error.code, error.message, time.millisecondsSinceEpoch, id]
            )
        }
    }

    public func eraseEvents(customerIds: [String], limit: Int) async throws -> Int {
        guard !customerIds.isEmpty else { return 0 }
        return try await database.pool.write { db in
            let list = Array(repeating: "?", count: customerIds.count).joined(separator: ", ")
            try db.execute(
                sql: """
                    UPDATE events SET \(SQLiteRegulationStore.erasedEvent)
                    WHERE seq IN (SELECT seq FROM events WHERE customer_id IN (\(list)) LIMIT ?)
                    """,
                arguments: StatementArguments(customerIds) + [limit]
            )
            return db.changesCount
        }
    }

    public func eraseMessages(customerIds: [String], at time: Timestamp) async throws -> Int {
        try await eachCustomer(customerIds) { db, id in try Self.eraseMessages(of: id, at: time, db) }
    }

    /// The last step, in one transaction: what the processor linked to the customers since the
    /// earlier steps (their events' payloads, their messages) is erased, then the profiles go.
    public func deleteCustomers(ids: [String], at time: Timestamp) async throws -> Int {
        try await eachCustomer(ids) { db, id in
            try db.execute(sql: "UPDATE events SET \(Self.erasedEvent) WHERE customer_id = ?", arguments: [id])
            try Self.eraseMessages(of: id, at: time, db)
            try db.execute(sql: "DELETE FROM customer_aliases WHERE customer_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM customers WHERE id = ?", arguments: [id])
        }
    }

    static func eraseMessages(of customerId: String, at time: Timestamp, _ db: Database) throws {
        let deleted = RegulationRecord.customerDeleted
        try db.execute(
            sql: """
                UPDATE messages SET recipient = ?, content = X'7B7D', user_id = NULL,
                    error_code = CASE WHEN status IN ('queued', 'sending') THEN ? ELSE error_code END,
                    error_message = CASE WHEN status IN ('queued', 'sending') THEN ? ELSE NULL END,
                    status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
                    lease_until = NULL, updated_at = ?
                WHERE customer_id = ? AND recipient <> ?
                """,
            arguments: [
                RegulationRecord.erasedRecipient, deleted.code, deleted.message, time.millisecondsSinceEpoch,
                customerId, RegulationRecord.erasedRecipient,
            ]
        )
    }

    public func eraseFinishedRecords(of keys: Set<SuppressionKey>) async throws -> Int {
        try await database.pool.write { db in
            let erase = try db.cachedStatement(
                sql: """
                    UPDATE regulations SET subject_value = NULL, export = NULL
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND subject_digest = ?
                        AND status <> 'pending' AND (subject_value IS NOT NULL OR export IS NOT NULL)
                    """
            )
            var erased = 0
            for key in keys {
                try erase.execute(arguments: [
                    key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest,
                ])
                erased += db.changesCount
            }
            return erased
        }
    }

    public func messages(customerIds: [String]) async throws -> [OutboxMessage] {
        try await database.pool.read { db in
            try customerIds.flatMap { id in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(SQLiteMessageRows.columns) FROM messages WHERE customer_id = ? ORDER BY created_at, id",
                    arguments: [id]
                ).map(SQLiteMessageRows.decode)
            }
        }
    }

    static func mark(_ customerIds: [String], suppressed: Bool, _ db: Database) throws {
        let mark = try db.cachedStatement(sql: "UPDATE customers SET suppressed = ? WHERE id = ?")
        for id in customerIds { try mark.execute(arguments: [suppressed, id]) }
    }

    /// Runs `change` for each customer in one transaction; returns the rows it changed.
    private func eachCustomer(
        _ ids: [String],
        _ change: @escaping @Sendable (Database, String) throws -> Void
    ) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.pool.write { db in
            var changed = 0
            for id in ids {
                try change(db, id)
                changed += db.changesCount
            }
            return changed
        }
    }
}
