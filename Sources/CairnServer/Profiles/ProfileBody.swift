import CairnCore
import CairnStorage

/// The JSON views of a customer profile.
enum ProfileBody {
    static func traits(_ profile: CustomerProfile) -> JSONValue {
        ["customerId": .string(profile.customerId), "traits": .object(profile.traits)]
    }

    static func meta(_ profile: CustomerProfile) -> JSONValue {
        [
            "customerId": .string(profile.customerId),
            "userId": profile.userId.map(JSONValue.string) ?? .null,
            "anonymousIds": .array(profile.anonymousIds.sorted().map(JSONValue.string)),
            "identified": .bool(profile.identified),
            "firstSeen": .string(profile.firstSeen.iso8601),
            "lastSeen": .string(profile.lastSeen.iso8601),
            "groups": .array(profile.groupIds.sorted().map(JSONValue.string)),
            "consent": .object(
                profile.consent.mapValues { state in
                    ["subscribed": .bool(state.subscribed), "changedAt": .string(state.changedAt.iso8601)]
                }
            ),
        ]
    }

    static func events(_ profile: CustomerProfile, _ events: [StoredEvent]) -> JSONValue {
        ["customerId": .string(profile.customerId), "events": .array(events.map(timelineItem))]
    }

    /// An event in a timeline: its status fields plus the properties (or traits) it carried.
    static func timelineItem(_ stored: StoredEvent) -> JSONValue {
        guard case .object(var fields) = EventStatusBody.make(stored) else { return .null }
        if let body = try? JSONParser.parse(stored.entry.body, maxDepth: 512) {
            for key in ["properties", "traits", "context"] {
                if let value = body[key], !value.isNull { fields[key] = value }
            }
        }
        return .object(fields)
    }
}
