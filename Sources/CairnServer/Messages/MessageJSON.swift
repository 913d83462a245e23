import CairnCore

/// How a message is shown: on its event's status, and (with its rendered content) in the admin API.
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

    /// Everything about a message, its rendered content included.
    static func detail(_ message: OutboxMessage) -> JSONValue {
        guard case .object(var fields) = summary(message) else { return summary(message) }
        fields["eventId"] = .string(message.eventId.description)
        fields["customerId"] = .string(message.customerId)
        fields["userId"] = message.userId.map(JSONValue.string) ?? .null
        fields["purpose"] = .string(message.purpose.rawValue)
        fields["content"] = message.content
        fields["createdAt"] = .string(message.createdAt.iso8601)
        fields["nextAttemptAt"] = message.status == .queued ? .string(message.nextAttemptAt.iso8601) : .null
        return .object(fields)
    }
}
