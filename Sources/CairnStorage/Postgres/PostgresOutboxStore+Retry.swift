public import CairnCore
import PostgresNIO

/// Dead and failed messages sent again on an operator's word.
extension PostgresOutboxStore {
    public func retry(_ request: MessageRetry, tenant: Tenant, at time: Timestamp) async throws -> [String] {
        let now = time.millisecondsSinceEpoch
        let from = request.createdFrom?.millisecondsSinceEpoch
        let until = request.createdUntil?.millisecondsSinceEpoch
        return try await database.query(
            """
            UPDATE messages SET status = 'queued', attempts = 0, next_attempt_at = \(now), lease_until = NULL,
                error_code = NULL, error_message = NULL, updated_at = \(now)
            WHERE id IN (
                SELECT id FROM messages
                WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                    AND brand_id = \(tenant.brandId) AND status = ANY(\(request.statusNames))
                    AND recipient <> \(ErasedRows.recipient)
                    AND coalesce(error_code, '') <> ALL(\(MessageRetry.finalErrors))
                    AND (\(request.messageId)::text IS NULL OR id = \(request.messageId))
                    AND (\(request.channel?.rawValue)::text IS NULL OR channel = \(request.channel?.rawValue))
                    AND (\(from)::bigint IS NULL OR created_at >= \(from))
                    AND (\(until)::bigint IS NULL OR created_at < \(until))
                ORDER BY created_at, id LIMIT \(request.limit)
                FOR UPDATE)
            RETURNING id
            """
        ).map { try $0.decode(String.self) }
    }
}
