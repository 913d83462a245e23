/// Whether a customer agreed to hear from a brand on one channel, and when that last changed.
/// Consent is opt-in: a channel never granted is not subscribed.
public struct ChannelConsent: Sendable, Hashable {
    public var subscribed: Bool
    /// The event time at which `subscribed` took its current value.
    public var changedAt: Timestamp
    /// The event time of the newest statement about this channel (changed or not).
    public var statedAt: Timestamp

    public init(subscribed: Bool, changedAt: Timestamp, statedAt: Timestamp) {
        self.subscribed = subscribed
        self.changedAt = changedAt
        self.statedAt = statedAt
    }
}

public enum ConsentRules {
    /// Reads `marketingPreferences.channels[]` from identify traits: `channel` → `subscribed`.
    /// Entries without a channel name or a boolean `subscribed` are ignored.
    public static func statements(in traits: [String: JSONValue]) -> [String: Bool] {
        guard let channels = traits["marketingPreferences"]?["channels"]?.arrayValue else { return [:] }
        var statements: [String: Bool] = [:]
        for entry in channels {
            guard let name = entry["channel"]?.stringValue, !name.isEmpty,
                case .bool(let subscribed)? = entry["subscribed"]
            else { continue }
            statements[name.lowercased()] = subscribed
        }
        return statements
    }

    /// Applies statements made at `time`; an older statement than the one held is ignored.
    public static func apply(
        _ statements: [String: Bool],
        at time: Timestamp,
        to consent: [String: ChannelConsent]
    ) -> [String: ChannelConsent] {
        var consent = consent
        for (channel, subscribed) in statements {
            guard let current = consent[channel] else {
                consent[channel] = ChannelConsent(subscribed: subscribed, changedAt: time, statedAt: time)
                continue
            }
            guard current.statedAt <= time else { continue }
            consent[channel] = ChannelConsent(
                subscribed: subscribed,
                changedAt: current.subscribed == subscribed ? current.changedAt : time,
                statedAt: time
            )
        }
        return consent
    }

    /// Whether the customer may receive marketing on `channel`.
    public static func isSubscribed(_ consent: [String: ChannelConsent], channel: String) -> Bool {
        consent[channel.lowercased()]?.subscribed ?? false
    }
}
