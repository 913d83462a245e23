import CairnCore
import PostgresNIO

/// How an outbox message is written to and read from PostgreSQL's `messages`.
enum PostgresMessageRows {
    static let columns = """
        id, client_id, account_id, brand_id, event_id, customer_id, user_id, channel, recipient, asset_id, version,
        purpose, content, status, attempts, next_attempt_at, provider_message_id, error_code, error_message,
        created_at, sent_at
        """

    static func insert(_ message: OutboxMessage, on connection: PostgresConnection, logger: Logger) async throws {
        let tenant = message.tenant
        let content = ByteBuffer(bytes: message.content.encoded())
        let created = message.createdAt.millisecondsSinceEpoch
        try await connection.query(
            """
            INSERT INTO messages (id, client_id, account_id, brand_id, event_id, customer_id, user_id, channel,
                recipient, asset_id, version, purpose, content, status, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(message.messageId), \(tenant.clientId), \(tenant.accountId), \(tenant.brandId),
                \(message.eventId.description), \(message.customerId), \(message.userId), \(message.channel.rawValue),
                \(message.to), \(message.assetId), \(message.version), \(message.purpose.rawValue), \(content),
                \(message.status.rawValue), \(message.attempts), \(message.nextAttemptAt.millisecondsSinceEpoch),
                \(created), \(created))
            """,
            logger: logger
        )
    }

    static func decode(_ row: PostgresRow) throws -> OutboxMessage {
        let cells = Array(row)
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T {
            try cells[index].decode(T.self)
        }
        guard let eventId = EventID(try cell(4, String.self)),
            let channel = AssetChannel(rawValue: try cell(7, String.self)),
            let purpose = AssetPurpose(rawValue: try cell(11, String.self)),
            let status = MessageStatus(rawValue: try cell(13, String.self))
        else { throw StorageError.unreadableRow(table: "messages", detail: "an unknown channel, purpose or status") }
        let errorCode = try cell(17, String?.self)
        let errorMessage = try cell(18, String?.self)
        return OutboxMessage(
            messageId: try cell(0, String.self),
            tenant: Tenant(
                clientId: try cell(1, String.self),
                accountId: try cell(2, String.self),
                brandId: try cell(3, String.self)
            ),
            eventId: eventId,
            customerId: try cell(5, String.self),
            userId: try cell(6, String?.self),
            channel: channel,
            to: try cell(8, String.self),
            assetId: try cell(9, String.self),
            version: try cell(10, Int.self),
            purpose: purpose,
            content: (try? JSONParser.parse(Array(try cell(12, ByteBuffer.self).readableBytesView), maxDepth: 512))
                ?? .object([:]),
            status: status,
            attempts: try cell(14, Int.self),
            nextAttemptAt: Timestamp(millisecondsSinceEpoch: try cell(15, Int64.self)),
            providerMessageId: try cell(16, String?.self),
            error: errorCode.map { MessageError(code: $0, message: errorMessage ?? "") },
            createdAt: Timestamp(millisecondsSinceEpoch: try cell(19, Int64.self)),
            sentAt: try cell(20, Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
