import CairnCore
import Foundation
import GRDB

/// How an outbox message is written to and read from SQLite's `messages`.
enum SQLiteMessageRows {
    static let columns = """
        id, client_id, account_id, brand_id, event_id, customer_id, user_id, channel, recipient, asset_id, version,
        purpose, content, status, attempts, next_attempt_at, provider_message_id, error_code, error_message,
        created_at, sent_at
        """

    static func insert(_ message: OutboxMessage, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (id, client_id, account_id, brand_id, event_id, customer_id, user_id, channel,
                    recipient, asset_id, version, purpose, content, status, attempts, next_attempt_at, created_at,
                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            message.messageId, message.tenant.clientId, message.tenant.accountId, message.tenant.brandId,
            message.eventId.description, message.customerId, message.userId, message.channel.rawValue, message.to,
            message.assetId, message.version, message.purpose.rawValue, Data(message.content.encoded()),
            message.status.rawValue, message.attempts, message.nextAttemptAt.millisecondsSinceEpoch,
            message.createdAt.millisecondsSinceEpoch, message.createdAt.millisecondsSinceEpoch,
        ])
    }

    static func decode(_ row: Row) throws -> OutboxMessage {
        guard let eventId = EventID(row[4] as String),
            let channel = AssetChannel(rawValue: row[7]),
            let purpose = AssetPurpose(rawValue: row[11]),
            let status = MessageStatus(rawValue: row[13])
        else { throw StorageError.unreadableRow(table: "messages", detail: "an unknown channel, purpose or status") }
        let errorCode: String? = row[17]
        return OutboxMessage(
            messageId: row[0],
            tenant: Tenant(clientId: row[1], accountId: row[2], brandId: row[3]),
            eventId: eventId,
            customerId: row[5],
            userId: row[6],
            channel: channel,
            to: row[8],
            assetId: row[9],
            version: row[10],
            purpose: purpose,
            content: (try? JSONParser.parse([UInt8](row[12] as Data), maxDepth: 512)) ?? .object([:]),
            status: status,
            attempts: row[14],
            nextAttemptAt: Timestamp(millisecondsSinceEpoch: row[15]),
            providerMessageId: row[16],
            error: errorCode.map { MessageError(code: $0, message: row[18] ?? "") },
            createdAt: Timestamp(millisecondsSinceEpoch: row[19]),
            sentAt: (row[20] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
