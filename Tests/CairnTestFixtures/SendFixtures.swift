public import CairnCore
public import CairnStorage

/// Send commands as the outbox tests arrange them: a customer who agreed to SMS, a live
/// marketing SMS asset `welcome`, and commands to send it, processed into queued messages.
public enum SendFixtures {
    /// The context of a server with a default SMS provider and no unsubscribe links.
    public static let smsContext = SendContext(defaultChannels: [.sms], publicBaseURL: nil, unsubscribe: nil)

    /// Stores the customer `u1` (phone +44 7700 900123, SMS consent given), the asset, and
    /// `count` SEND_SMS commands (`bookingId` B0, B1…), and processes them at `time` (unless not
    /// `processed`: then they wait in the log); returns the commands' event ids.
    @discardableResult
    public static func queueSMS(
        in stores: CairnStores,
        count: Int = 1,
        tenant: Tenant = EventFixtures.tenant,
        at time: Timestamp = EventFixtures.receivedAt,
        processed: Bool = true
    ) async throws -> [EventID] {
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        _ = try await stores.assets.saveDraft(
            AssetDraft(
                tenant: tenant,
                assetId: "welcome",
                name: nil,
                channel: .sms,
                purpose: .marketing,
                content: ["body": "Hi {{customer.firstName}}, booking {{bookingId}}"]
            ),
            at: time
        )
        _ = try await stores.assets.publish(tenant: tenant, assetId: "welcome", at: time)
        let identify = EventFixtures.entry(
            .identify,
            token: token,
            tenant: tenant,
            userId: "u1",
            traits: [
                "firstName": "Ada", "phone": "+44 7700 900123",
                "marketingPreferences": ["channels": [["channel": "sms", "subscribed": true]]],
            ],
            receivedAt: time
        )
        let commands = (0..<count).map { index in
            EventFixtures.entry(
                token: token,
                tenant: tenant,
                name: "SEND_SMS",
                userId: "u1",
                extra: ["assetId": "welcome", "bookingId": .string("B\(index)")],
                receivedAt: time
            )
        }
        try await stores.eventLog.append([identify] + commands)
        if processed { try await EventFixtures.processAll(stores, at: time, sends: smsContext) }
        return commands.map(\.id)
    }

    /// The context of a server with a default push provider.
    public static let pushContext = SendContext(defaultChannels: [.push], publicBaseURL: nil, unsubscribe: nil)

    /// Stores the customer `u1` with a device per entry of `devices` (deviceId: FCM token, each
    /// an Android app), a live transactional push asset `alert`, and one send_push, processed at
    /// `time` into a message per device; returns the command's event id.
    @discardableResult
    public static func queuePush(
        in stores: CairnStores,
        devices: [String: String],
        tenant: Tenant = EventFixtures.tenant,
        at time: Timestamp = EventFixtures.receivedAt
    ) async throws -> EventID {
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        _ = try await stores.assets.saveDraft(
            AssetDraft(
                tenant: tenant,
                assetId: "alert",
                name: nil,
                channel: .push,
                purpose: .transactional,
                content: ["title": "Hi {{customer.firstName}}", "body": "Booking {{bookingId}}"]
            ),
            at: time
        )
        _ = try await stores.assets.publish(tenant: tenant, assetId: "alert", at: time)
        let identify = EventFixtures.entry(
            .identify,
            token: token,
            tenant: tenant,
            userId: "u1",
            traits: ["firstName": "Ada"],
            receivedAt: time
        )
        let registrations = devices.keys.sorted().map { deviceId in
            EventFixtures.entry(
                token: token,
                tenant: tenant,
                name: "register push",
                userId: "u1",
                extra: [
                    "properties": [
                        "deviceId": .string(deviceId), "deviceType": "Android",
                        "fcmToken": .string(devices[deviceId] ?? ""),
                    ]
                ],
                receivedAt: time
            )
        }
        let command = EventFixtures.entry(
            token: token,
            tenant: tenant,
            name: "send_push",
            userId: "u1",
            extra: ["assetId": "alert", "bookingId": "B1"],
            receivedAt: time
        )
        try await stores.eventLog.append([identify] + registrations + [command])
        try await EventFixtures.processAll(stores, at: time, sends: pushContext)
        return command.id
    }
}
