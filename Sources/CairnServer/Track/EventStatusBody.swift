import CairnCore
import CairnStorage

/// The answer to `GET …/v1/events/{eventId}`: where the event stands, what it was, and what it
/// caused. `errors` and `messages` fill in as the processor and senders act on the event.
enum EventStatusBody {
    static func make(_ stored: StoredEvent) -> JSONValue {
        let entry = stored.entry
        let event = entry.event
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
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
            "messages": [],
        ]
    }
}
