public import CairnCore
public import CairnStorage

/// Journeys as the engine's tests arrange them: an email asset `hello`, a live journey that
/// sends it, waits two hours, splits on the customer's tier and sends `gold` to gold customers,
/// and customers who start it.
public enum JourneyFixtures {
    public static func step(_ n: Int) -> String { "9d2f0c1e-0000-4000-8000-00000000000\(n)" }

    /// The context of a server with a default email provider.
    public static let emailContext = SendContext(defaultChannels: [.email], publicBaseURL: nil, unsubscribe: nil)

    public static let definition: JSONValue = [
        "name": "Welcome", "reentry": "after_exit", "exitOn": ["Booking Completed"],
        "steps": [
            ["id": .string(step(1)), "type": "send", "assetId": "hello", "next": .string(step(2))],
            ["id": .string(step(2)), "type": "wait", "duration": "PT2H", "next": .string(step(3))],
            [
                "id": .string(step(3)), "type": "split", "condition": ["trait": "tier", "equals": "gold"],
                "yes": .string(step(4)), "no": .string(step(5)),
            ],
            ["id": .string(step(4)), "type": "send", "assetId": "gold", "next": .string(step(5))],
            ["id": .string(step(5)), "type": "exit"],
        ],
    ]

    /// Saves the assets and the journey, publishes them, and answers the journey's id.
    public static func liveJourney(
        in stores: CairnStores,
        tenant: Tenant = EventFixtures.tenant,
        at time: Timestamp = EventFixtures.receivedAt
    ) async throws -> String {
        for (assetId, subject) in [
            ("hello", "Hello {{customer.firstName}} {{bookingId}}"), ("gold", "Gold {{journey.bookingId}}"),
        ] {
            _ = try await stores.assets.saveDraft(
                AssetDraft(
                    tenant: tenant,
                    assetId: assetId,
                    name: nil,
                    channel: .email,
                    purpose: .transactional,
                    content: ["subject": .string(subject), "text": "Hi"]
                ),
                at: time
            )
            _ = try await stores.assets.publish(tenant: tenant, assetId: assetId, at: time)
        }
        let id = Journey.makeId(at: time)
        _ = try await stores.journeys.create(
            tenant: tenant,
            journeyId: id,
            name: "Welcome",
            definition: definition,
            at: time
        )
        _ = try await stores.journeys.publish(tenant: tenant, journeyId: id, at: time)
        return id
    }

    /// An identify of `userId` (with an email, and `tier` when given), then a start_journey of
    /// `journeyId` (at `stepId` when given), processed at `time`; the start event's id.
    @discardableResult
    public static func start(
        _ journeyId: String,
        userId: String = "u1",
        tier: String? = nil,
        stepId: String? = nil,
        identified: Bool = true,
        in stores: CairnStores,
        tenant: Tenant = EventFixtures.tenant,
        at time: Timestamp = EventFixtures.receivedAt
    ) async throws -> EventID {
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        var traits: [String: JSONValue] = ["firstName": "Ada", "email": .string("\(userId)@example.com")]
        if let tier { traits["tier"] = .string(tier) }
        var properties: [String: JSONValue] = ["journeyIdToTrigger": .string(journeyId), "bookingId": "B1"]
        if let stepId { properties["stepIdToTrigger"] = .string(stepId) }
        let identify = EventFixtures.entry(
            .identify,
            token: token,
            tenant: tenant,
            userId: identified ? userId : nil,
            anonymousId: identified ? nil : "anon-\(userId)",
            traits: .object(traits),
            receivedAt: time
        )
        let command = EventFixtures.entry(
            token: token,
            tenant: tenant,
            name: "start_journey",
            userId: identified ? userId : nil,
            anonymousId: identified ? nil : "anon-\(userId)",
            extra: ["properties": .object(properties)],
            receivedAt: time
        )
        try await stores.eventLog.append([identify, command])
        try await EventFixtures.processAll(stores, at: time, sends: emailContext)
        return command.id
    }
}
