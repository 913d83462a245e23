import CairnCore
import CairnStorage

/// The JSON views of a customer profile.
enum ProfileBody {
    static func traits(_ profile: CustomerProfile) -> JSONValue {
        ["customerId": .string(profile.customerId), "traits": .object(profile.traits)]
    }

    /// Devices show their token only as its last 6 characters.
    static func meta(_ profile: CustomerProfile, deviceExpiry: Duration, now: Timestamp) -> JSONValue {
        let devices = profile.devices.values.filter { !$0.hasExpired(at: now, expiry: deviceExpiry) }
            .sorted { $0.deviceId < $1.deviceId }
            .map { device -> JSONValue in
                [
                    "deviceId": .string(device.deviceId), "type": .string(device.kind.rawValue),
                    "lastSeen": .string(device.lastSeen.iso8601), "token": .string(device.maskedToken),
                ]
            }
        return [
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
            "devices": .array(devices),
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
