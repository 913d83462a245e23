import CairnCore

/// How the Events API shows a message on its event's status (`EventStatusBody`). The admin API
/// writes the same shape as `MessageAnswer.Summary`: the two change together.
enum MessageJSON {
    static func summary(_ message: OutboxMessage) -> JSONValue {
        var fields: [String: JSONValue] = [
            "messageId": .string(message.messageId),
            "channel": .string(message.channel.rawValue),
            "to": .string(message.to),
            "assetId": .string(message.assetId),
            "version": .number(String(message.version)),
            "status": .string(message.status.rawValue),
            "attempts": .number(String(message.attempts)),
        ]
        if let id = message.providerMessageId { fields["providerMessageId"] = .string(id) }
        if let error = message.error {
            fields["error"] = ["code": .string(error.code), "message": .string(error.message)]
        }
        if let sentAt = message.sentAt { fields["sentAt"] = .string(sentAt.iso8601) }
        return .object(fields)
    }
}
