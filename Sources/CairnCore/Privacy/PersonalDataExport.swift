/// How personal data reads in an access export (the document a regulation of type `access`
/// makes), the same whichever store holds it.
extension StoredEvent {
    /// The event as an access export shows it: ids, times and the payload as sent in.
    public var exported: JSONValue {
        [
            "id": .string(entry.id.description),
            "type": .string(entry.event.action.rawValue),
            "event": entry.event.eventName.map(JSONValue.string) ?? .null,
            "timestamp": .string(entry.event.eventTime.iso8601),
            "receivedAt": .string(entry.receivedAt.iso8601),
            "payload": (try? JSONParser.parse(entry.body, maxDepth: 512)) ?? .null,
        ]
    }
}

extension OutboxMessage {
    /// The message as an access export shows it: to whom, what, and where it stands.
    public var exported: JSONValue {
        [
            "messageId": .string(messageId),
            "channel": .string(channel.rawValue),
            "to": .string(to),
            "assetId": .string(assetId),
            "status": .string(status.rawValue),
            "createdAt": .string(createdAt.iso8601),
            "sentAt": sentAt.map { .string($0.iso8601) } ?? .null,
            "content": content,
        ]
    }
}
