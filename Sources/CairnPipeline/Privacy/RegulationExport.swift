import CairnCore

/// The export an `access` regulation makes: everything Cairn holds about the customers its
/// subject names (profile, ids, consent, groups, events, messages), as one JSON document.
enum RegulationExport {
    struct Made {
        var bytes: [UInt8]
        var events: Int
        var messages: Int
    }

    static func make(
        _ regulation: Regulation,
        customers: [CustomerProfile],
        events: (String) async throws -> [StoredEvent],
        messages: [OutboxMessage],
        at time: Timestamp
    ) async throws -> Made {
        var eventCount = 0
        var items: [JSONValue] = []
        for customer in customers {
            let stored = try await events(customer.customerId)
            eventCount += stored.count
            let theirs = messages.filter { $0.customerId == customer.customerId }
            items.append(
                [
                    "customerId": .string(customer.customerId),
                    "userId": customer.userId.map(JSONValue.string) ?? .null,
                    "anonymousIds": .array(customer.anonymousIds.sorted().map(JSONValue.string)),
                    "traits": .object(customer.traits),
                    "consent": .object(customer.consent.mapValues(consent)),
                    "groups": .array(customer.groupIds.sorted().map(JSONValue.string)),
                    "firstSeen": .string(customer.firstSeen.iso8601),
                    "lastSeen": .string(customer.lastSeen.iso8601),
                    "events": .array(stored.map(event)),
                    "messages": .array(theirs.map(message)),
                ]
            )
        }
        var subject: [String: JSONValue] = [:]
        subject[regulation.subject.kind.rawValue] = regulation.subject.value.map(JSONValue.string) ?? .null
        let document: JSONValue = [
            "regulationId": .string(regulation.id),
            "subject": .object(subject),
            "generatedAt": .string(time.iso8601),
            "customers": .array(items),
        ]
        return Made(bytes: document.encoded(), events: eventCount, messages: messages.count)
    }

    static func consent(_ state: ChannelConsent) -> JSONValue {
        ["subscribed": .bool(state.subscribed), "changedAt": .string(state.changedAt.iso8601)]
    }

    static func event(_ stored: StoredEvent) -> JSONValue {
        let entry = stored.entry
        return [
            "id": .string(entry.id.description),
            "type": .string(entry.event.action.rawValue),
            "event": entry.event.eventName.map(JSONValue.string) ?? .null,
            "timestamp": .string(entry.event.eventTime.iso8601),
            "receivedAt": .string(entry.receivedAt.iso8601),
            "payload": (try? JSONParser.parse(entry.body, maxDepth: 512)) ?? .null,
        ]
    }

    static func message(_ message: OutboxMessage) -> JSONValue {
        [
            "messageId": .string(message.messageId),
            "channel": .string(message.channel.rawValue),
            "to": .string(message.to),
            "assetId": .string(message.assetId),
            "status": .string(message.status.rawValue),
            "createdAt": .string(message.createdAt.iso8601),
            "sentAt": message.sentAt.map { .string($0.iso8601) } ?? .null,
            "content": message.content,
        ]
    }
}
