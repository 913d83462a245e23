extension PushDevice {
    /// The devices an event registers: a `register push` track event's properties (`deviceId`,
    /// `deviceType`, `fcmToken` or `subscription`), or any event's `context.device` (`id`, `type`
    /// iOS or Android, `token`). nil: the event registers none; an error: a `register push` event
    /// sent what cannot be a device (a `context.device` that cannot be one is let be: the event
    /// is about something else). A device is seen at the event's time, but never later than it was
    /// received (a client's clock ahead would pin an old token).
    static func registered(
        by event: ValidatedEvent,
        body: [String: JSONValue],
        receivedAt: Timestamp
    ) -> Result<PushDevice, EventError>? {
        let seen = min(event.eventTime, receivedAt)
        if event.action == .track, event.eventName?.lowercased() == "register push" {
            return fromRegistration(body["properties"]?.objectValue ?? [:], at: seen)
        }
        guard case .object(let device)? = body["context"]?["device"], let token = device["token"]?.stringValue,
            !token.isEmpty, let id = device["id"]?.stringValue, !id.isEmpty,
            let kind = device["type"]?.stringValue.flatMap(Kind.init(named:)), kind != .web,
            case .success(let valid) = valid(
                PushDevice(deviceId: id, kind: kind, token: token, subscription: nil, lastSeen: seen)
            )
        else { return nil }
        return .success(valid)
    }

    private static func fromRegistration(
        _ properties: [String: JSONValue],
        at time: Timestamp
    ) -> Result<PushDevice, EventError> {
        guard let id = properties["deviceId"]?.stringValue, !id.isEmpty else {
            return .failure(.invalidPushDevice("deviceId is missing: a register push event names its device."))
        }
        guard let kind = properties["deviceType"]?.stringValue.flatMap(Kind.init(named:)) else {
            return .failure(.invalidPushDevice("deviceType must be iOS, Android or Web."))
        }
        if kind == .web {
            guard case .object(let subscription)? = properties["subscription"],
                let endpoint = subscription["endpoint"]?.stringValue,
                endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://"),
                let p256dh = subscription["keys"]?["p256dh"]?.stringValue, Self.isKey(p256dh, bytes: 65),
                let auth = subscription["keys"]?["auth"]?.stringValue, Self.isKey(auth, bytes: 16)
            else {
                return .failure(
                    .invalidPushDevice(
                        "A Web device needs subscription {\"endpoint\":\"https://…\",\"keys\":{\"p256dh\",\"auth\"}} "
                            + "(p256dh a P-256 public key and auth 16 bytes, in base64url)."
                    )
                )
            }
            let web = WebSubscription(endpoint: endpoint, p256dh: p256dh, auth: auth)
            return valid(PushDevice(deviceId: id, kind: kind, token: nil, subscription: web, lastSeen: time))
        }
        guard let token = properties["fcmToken"]?.stringValue, !token.isEmpty else {
            return .failure(.invalidPushDevice("An \(kind.rawValue) device needs fcmToken."))
        }
        return valid(PushDevice(deviceId: id, kind: kind, token: token, subscription: nil, lastSeen: time))
    }

    private static func valid(_ device: PushDevice) -> Result<PushDevice, EventError> {
        let texts = [device.deviceId, device.token, device.subscription?.endpoint].compactMap { $0 }
        guard texts.allSatisfy({ $0.utf8.count <= maximumLength }) else {
            return .failure(.invalidPushDevice("A deviceId, token or endpoint may be at most \(maximumLength) bytes."))
        }
        return .success(device)
    }
}

extension EventError {
    static func invalidPushDevice(_ reason: String) -> EventError {
        EventError(code: "invalid_push_device", message: "The device cannot be registered: " + reason)
    }
}

extension PushDevice {
    /// Whether `text` is base64url (or base64; padded or not) of exactly `bytes` bytes, as browsers
    /// write a subscription's keys.
    static func isKey(_ text: String, bytes: Int) -> Bool {
        let unpadded = text.utf8.reversed().drop { $0 == UInt8(ascii: "=") }.count
        guard unpadded == (bytes * 4 + 2) / 3 else { return false }
        return text.utf8.prefix(unpadded).allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
        }
    }
}
