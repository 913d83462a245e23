import CairnCore
import CairnStorage

/// An event as the Events API shows it: where it stands, what it was, and what it caused.
/// `errors` and `messages` fill in as the processor and senders act on the event; lists leave
/// `messages` out (`GET …/v1/events/{eventId}` shows them).
enum EventStatusBody {
    static func make(_ stored: StoredEvent, messages: [OutboxMessage]? = nil) -> JSONValue {
        let entry = stored.entry
        let event = entry.event
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let body: JSONValue = [
            "eventId": .string(entry.id.description),
            "status": .string(stored.status.rawValue),
            "action": .string(event.action.rawValue),
            "event": text(event.eventName),
            "userId": text(event.userId),
            "anonymousId": text(event.anonymousId),
            "timestamp": .string(event.eventTime.iso8601),
            "originalTimestamp": text(event.originalTimestamp),
            "receivedAt": .string(entry.receivedAt.iso8601),
            "customerId": text(stored.customerId),
            "errors": .array(stored.errors.map { ["code": .string($0.code), "message": .string($0.message)] }),
        ]
        guard let messages else { return body }
        return body.setting("messages", to: .array(messages.map(MessageJSON.summary)))
    }
}
