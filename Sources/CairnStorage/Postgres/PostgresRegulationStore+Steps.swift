public import CairnCore
import Logging
import PostgresNIO

/// The steps that carry a regulation out in PostgreSQL, each in its own transaction.
extension PostgresRegulationStore {
    public func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile] {
        guard let value = subject.value else { return [] }
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        let reader = PostgresProfileReader(database: database)
        switch subject.kind {
        case .userId, .anonymousId:
            let byUser = subject.kind == .userId
            return try await reader.profiles(
                """
                SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c
                WHERE c.client_id = \(client) AND c.account_id = \(account) AND c.brand_id = \(brand)
                    AND ((\(byUser) AND c.user_id = \(value)) OR c.id IN (
                        SELECT a.customer_id FROM customer_aliases a
                        WHERE a.anonymous_id = \(value) AND a.client_id = \(client) AND a.account_id = \(account)
                            AND a.brand_id = \(brand)))
                ORDER BY c.id
                """
            )
        case .email:
            return try await reader.profiles(email: value, tenant: tenant)
        }
    }

    public func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool {
        try await database.query(
            """
            SELECT EXISTS (SELECT 1 FROM events WHERE status = 'accepted'
                AND received_at < \(time.millisecondsSinceEpoch) AND client_id = \(tenant.clientId)
                AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId))
            """
        ).first?.decode(Bool.self) ?? false
    }

    public func suppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String],
        regulationId: String,
        at time: Timestamp
    ) async throws -> Int {
        let arrays = PostgresKeyArrays(keys)
        return try await database.transaction { connection in
            if kind == .suppress {
                try await connection.query(
                    "UPDATE customers SET suppressed = true WHERE id = ANY(\(customerIds))",
                    logger: database.logger
                )
            }
            return try await connection.query(
                """
                INSERT INTO suppressions (client_id, account_id, brand_id, key_digest, kind, regulation_id, created_at)
                SELECT cl, ac, br, digest, \(kind.rawValue), \(regulationId), \(time.millisecondsSinceEpoch)
                FROM unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                    AS k(cl, ac, br, digest)
                ON CONFLICT DO NOTHING
                RETURNING key_digest
                """,
                logger: database.logger
            ).collect().count
        }
    }

    public func unsuppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String]
    ) async throws -> Int {
        let arrays = PostgresKeyArrays(keys)
        return try await database.transaction { connection in
            if kind == .suppress {
                try await connection.query(
                    "UPDATE customers SET suppressed = false WHERE id = ANY(\(customerIds))",
                    logger: database.logger
                )
            }
            return try await connection.query(
                """
                DELETE FROM suppressions WHERE kind = \(kind.rawValue) AND regulation_id IN (
                    SELECT s.regulation_id FROM suppressions s
                    JOIN unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                        AS k(cl, ac, br, digest)
                        ON s.client_id = k.cl AND s.account_id = k.ac AND s.brand_id = k.br AND s.key_digest = k.digest
                    WHERE s.kind = \(kind.rawValue))
                RETURNING key_digest
                """,
                logger: database.logger
            ).collect().count
        }
    }

    public func failWaitingMessages(
        customerIds: [String],
        error: MessageError,
        at time: Timestamp
    ) async throws -> Int {
        guard !customerIds.isEmpty else { return 0 }
        return try await database.query(
            """
            UPDATE messages SET status = 'failed', error_code = \(error.code), error_message = \(error.message),
                lease_until = NULL, updated_at = \(time.millisecondsSinceEpoch)
            WHERE customer_id = ANY(\(customerIds)) AND status = 'queued'
            RETURNING id
            """
        ).count
    }

    public func eraseEvents(customerIds: [String], limit: Int) async throws -> Int {
        guard !customerIds.isEmpty else { return 0 }
        return try await database.query(
            """
            UPDATE events SET \(unescaped: PostgresRegulationStore.erasedEvent)
            WHERE seq IN (SELECT seq FROM events WHERE customer_id = ANY(\(customerIds)) LIMIT \(limit))
            RETURNING seq
            """
        ).count
    }

    public func eraseMessages(customerIds: [String], at time: Timestamp) async throws -> Int {
        guard !customerIds.isEmpty else { return 0 }
        return try await database.transaction { connection in
            try await Self.eraseMessages(of: customerIds, at: time, on: connection, logger: database.logger)
        }
    }

    /// The last step, in one transaction: the customers' rows are locked first (a processor
    /// batch changing them commits before, or finds them gone and is retried), what the
    /// processor linked to them since the earlier steps is erased, then the profiles go.
    public func deleteCustomers(ids: [String], at time: Timestamp) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT id FROM customers WHERE id = ANY(\(ids)) FOR UPDATE", logger: logger)
            try await connection.query(
                "UPDATE events SET \(unescaped: Self.erasedEvent) WHERE customer_id = ANY(\(ids))",
                logger: logger
            )
            _ = try await Self.eraseMessages(of: ids, at: time, on: connection, logger: logger)
            try await connection.query("DELETE FROM customer_aliases WHERE customer_id = ANY(\(ids))", logger: logger)
            return try await connection.query(
                "DELETE FROM customers WHERE id = ANY(\(ids)) RETURNING id",
                logger: logger
            )
            .collect().count
        }
    }

    static func eraseMessages(
        of customerIds: [String],
        at time: Timestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let (deleted, erased) = (RegulationRecord.customerDeleted, RegulationRecord.erasedRecipient)
        return try await connection.query(
            """
            UPDATE messages SET recipient = \(erased), content = '\\x7b7d'::bytea, user_id = NULL,
                error_code = CASE WHEN status IN ('queued', 'sending') THEN \(deleted.code) ELSE error_code END,
                error_message = CASE WHEN status IN ('queued', 'sending') THEN \(deleted.message) ELSE NULL END,
                status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END,
                lease_until = NULL, updated_at = \(time.millisecondsSinceEpoch)
            WHERE customer_id = ANY(\(customerIds)) AND recipient <> \(erased)
            RETURNING id
            """,
            logger: logger
        ).collect().count
    }

    public func eraseFinishedRecords(of keys: Set<SuppressionKey>) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let arrays = PostgresKeyArrays(keys)
        return try await database.query(
            """
            UPDATE regulations r SET subject_value = NULL, export = NULL
            FROM unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                AS k(cl, ac, br, digest)
            WHERE r.client_id = k.cl AND r.account_id = k.ac AND r.brand_id = k.br AND r.subject_digest = k.digest
                AND r.status <> 'pending' AND (r.subject_value IS NOT NULL OR r.export IS NOT NULL)
            RETURNING r.id
            """
        ).count
    }

    public func messages(customerIds: [String]) async throws -> [OutboxMessage] {
        guard !customerIds.isEmpty else { return [] }
        return try await database.query(
            """
            SELECT \(unescaped: PostgresMessageRows.columns) FROM messages
            WHERE customer_id = ANY(\(customerIds)) ORDER BY created_at, id
            """
        ).map(PostgresMessageRows.decode)
    }
}
