extension PushDevice {
    /// As stored with the profile.
    public var stored: JSONValue {
        var fields: [String: JSONValue] = [
            "deviceId": .string(deviceId), "type": .string(kind.rawValue),
            "lastSeen": .number(String(lastSeen.millisecondsSinceEpoch)),
        ]
        if let token { fields["token"] = .string(token) }
        if let subscription {
            fields["subscription"] = [
                "endpoint": .string(subscription.endpoint),
                "keys": ["p256dh": .string(subscription.p256dh), "auth": .string(subscription.auth)],
            ]
        }
        return .object(fields)
    }

    /// A device as stored with the profile; nil for anything else.
    public init?(stored: JSONValue) {
        guard let id = stored["deviceId"]?.stringValue,
            let kind = stored["type"]?.stringValue.flatMap({ Kind(rawValue: $0) }),
            case .number(let seenText)? = stored["lastSeen"], let seen = Int64(seenText)
        else { return nil }
        let subscription: WebSubscription? = stored["subscription"].flatMap { value in
            guard let endpoint = value["endpoint"]?.stringValue, let p256dh = value["keys"]?["p256dh"]?.stringValue,
                let auth = value["keys"]?["auth"]?.stringValue
            else { return nil }
            return WebSubscription(endpoint: endpoint, p256dh: p256dh, auth: auth)
        }
        self.init(
            deviceId: id,
            kind: kind,
            token: stored["token"]?.stringValue,
            subscription: subscription,
            lastSeen: Timestamp(millisecondsSinceEpoch: seen)
        )
    }
}
