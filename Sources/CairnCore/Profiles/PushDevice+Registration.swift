extension PushDevice {
    /// The devices an event registers: a `register push` track event's properties (`deviceId`,
    /// `deviceType`, `fcmToken` or `subscription`), or any event's `context.device` (`id`, `type`,
    /// `token`). nil: the event registers none; an error: it tried, and what it sent cannot be a device.
    static func registered(
        by event: ValidatedEvent,
        body: [String: JSONValue]
    ) -> Result<PushDevice, EventError>? {
        if event.action == .track, event.eventName?.lowercased() == "register push" {
            return fromRegistration(body["properties"]?.objectValue ?? [:], at: event.eventTime)
        }
        guard case .object(let device)? = body["context"]?["device"], let token = device["token"]?.stringValue,
            !token.isEmpty, let id = device["id"]?.stringValue, !id.isEmpty
        else { return nil }
        let kind = device["type"]?.stringValue.flatMap(Kind.init(named:)) ?? .android
        guard kind != .web else { return nil }
        return valid(PushDevice(deviceId: id, kind: kind, token: token, subscription: nil, lastSeen: event.eventTime))
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
                let endpoint = subscription["endpoint"]?.stringValue, endpoint.hasPrefix("https://"),
                let p256dh = subscription["keys"]?["p256dh"]?.stringValue, !p256dh.isEmpty,
                let auth = subscription["keys"]?["auth"]?.stringValue, !auth.isEmpty
            else {
                return .failure(
                    .invalidPushDevice(
                        "A Web device needs subscription {\"endpoint\":\"https://…\",\"keys\":{\"p256dh\",\"auth\"}}."
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
