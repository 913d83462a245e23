import CairnCore
import Testing

/// Issue 23: a send_push plans one message per device the customer has (not expired), each named
/// by its deviceId, never its token; no device is `no_push_device`; a marketing push needs push
/// consent like any channel.
@Suite struct PushPlanningTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "b")
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func device(_ id: String, seen: Timestamp) -> PushDevice {
        PushDevice(deviceId: id, kind: .android, token: "token-of-\(id)", subscription: nil, lastSeen: seen)
    }

    func plan(
        devices: [PushDevice],
        purpose: AssetPurpose = .transactional,
        subscribed: Bool = false
    )
        -> Result<[OutboxMessage], EventError>
    {
        var consent: [String: ChannelConsent] = [:]
        if subscribed { consent["push"] = ChannelConsent(subscribed: true, changedAt: now, statedAt: now) }
        let profile = CustomerProfile(
            customerId: "cust",
            tenant: tenant,
            userId: "u1",
            identified: true,
            traits: ["firstName": "Ann"],
            consent: consent,
            devices: Dictionary(uniqueKeysWithValues: devices.map { ($0.deviceId, $0) }),
            firstSeen: now,
            lastSeen: now
        )
        let asset = Asset(
            tenant: tenant,
            assetId: "hello",
            name: nil,
            channel: .push,
            createdAt: now,
            updatedAt: now,
            archivedAt: nil,
            liveVersion: 1,
            versions: [
                AssetVersion(
                    version: 1,
                    purpose: purpose,
                    content: ["title": "Hi {{customer.firstName}}", "body": "Your booking"],
                    createdAt: now,
                    publishedAt: now
                )
            ]
        )
        var ids = 0
        return SendPlanner(context: SendContext(defaultChannels: [.push], publicBaseURL: nil, unsubscribe: nil)).plan(
            SendPlanner.Request(
                eventId: EventID.make(at: now),
                body: [:],
                channel: .push,
                assetId: "hello",
                profile: profile,
                asset: asset,
                brandHasProvider: false
            ),
            makeId: {
                ids += 1
                return "m\(ids)"
            },
            at: now
        )
    }

    @Test func aPushIsOneMessagePerDeviceNamedByItsDeviceId() throws {
        let expired = now.adding(.seconds(-61 * 86_400))
        let messages = try plan(devices: [
            device("b-phone", seen: now), device("a-tablet", seen: now), device("old", seen: expired),
        ])
        .get()
        #expect(messages.map(\.to) == ["a-tablet", "b-phone"])
        #expect(messages.map(\.messageId) == ["m1", "m2"])
        #expect(messages.allSatisfy { $0.channel == .push && $0.content["title"] == "Hi Ann" })
        #expect(messages.allSatisfy { !String(decoding: $0.content.encoded(), as: UTF8.self).contains("token-of") })
    }

    @Test func noDeviceIsNoPushDevice() {
        guard case .failure(let error) = plan(devices: [device("old", seen: now.adding(.seconds(-61 * 86_400)))]) else {
            Issue.record("planned")
            return
        }
        #expect(error.code == "no_push_device")
    }

    @Test func aMarketingPushNeedsPushConsent() throws {
        guard case .failure(let error) = plan(devices: [device("p", seen: now)], purpose: .marketing) else {
            Issue.record("planned")
            return
        }
        #expect(error.code == "channel_not_subscribed")
        #expect(try plan(devices: [device("p", seen: now)], purpose: .marketing, subscribed: true).get().count == 1)
    }
}
