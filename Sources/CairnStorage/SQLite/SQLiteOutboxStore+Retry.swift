public import CairnCore
import GRDB

/// Dead and failed messages sent again on an operator's word.
extension SQLiteOutboxStore {
    public func retry(_ request: MessageRetry, tenant: Tenant, at time: Timestamp) async throws -> [String] {
        let statuses = request.statusNames
        let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
        let now = time.millisecondsSinceEpoch
        var arguments: [(any DatabaseValueConvertible)?] = [
            now, now, tenant.clientId, tenant.accountId, tenant.brandId,
        ]
        arguments += statuses
        arguments += [ErasedRows.recipient] + MessageRetry.finalErrors
        arguments += [request.messageId, request.messageId, request.channel?.rawValue, request.channel?.rawValue]
        arguments += [request.createdFrom?.millisecondsSinceEpoch, request.createdFrom?.millisecondsSinceEpoch]
        arguments += [request.createdUntil?.millisecondsSinceEpoch, request.createdUntil?.millisecondsSinceEpoch]
        arguments.append(request.limit)
        let values = arguments.map { $0?.databaseValue ?? .null }
        return try await database.write { db in
            try String.fetchAll(
                db,
                sql: """
                    UPDATE messages SET status = 'queued', attempts = 0, next_attempt_at = ?, lease_until = NULL,
                        error_code = NULL, error_message = NULL, updated_at = ?
                    WHERE id IN (
                        SELECT id FROM messages
                        WHERE client_id = ? AND account_id = ? AND brand_id = ? AND status IN (\(marks))
                            AND recipient <> ? AND coalesce(error_code, '') NOT IN (?, ?)
                            AND (? IS NULL OR id = ?) AND (? IS NULL OR channel = ?)
                            AND (? IS NULL OR created_at >= ?) AND (? IS NULL OR created_at < ?)
                        ORDER BY created_at, id LIMIT ?)
                    RETURNING id
                    """,
                arguments: StatementArguments(values)
            )
        }
    }
}
