import Testing

@testable import CairnCore

/// Issue 23, devices: registered by a `register push` track event or by any event's
/// `context.device`, one per deviceId, in order with the customer's events; they follow an
/// anonymous profile into its customer and are forgotten when not seen for the expiry.
@Suite struct PushDeviceProcessingTests {
    typealias Support = ProfileProcessorTests
    let support = ProfileProcessorTests()
    /// A P-256 public key's 65 bytes and an auth secret's 16, in base64url.
    static let p256dh = "B" + String(repeating: "A", count: 86)
    static let auth = "c2VjcmV0c2VjcmV0c2Vjcg"

    func register(
        _ sequence: Int64,
        userId: String? = "u1",
        anonymousId: String? = nil,
        deviceId: String,
        type: String = "iOS",
        token: String = "fcm-token-000001",
        time: Int64 = 1000
    ) -> LoggedEvent {
        support.event(
            sequence,
            .track,
            userId: userId,
            anonymousId: anonymousId,
            name: "Register Push",
            time: time,
            body: [
                "properties": ["deviceId": .string(deviceId), "deviceType": .string(type), "fcmToken": .string(token)]
            ]
        )
    }

    func devices(_ result: ProfileProcessor.Result) -> [String: PushDevice] {
        result.profiles.first?.devices ?? [:]
    }

    @Test func aRegisterPushEventRegistersADeviceAndANewTokenReplacesTheOld() {
        let result = support.process([
            register(1, deviceId: "phone", token: "token-aaaaaa-111111", time: 1000),
            register(2, deviceId: "phone", type: "android", token: "token-bbbbbb-222222", time: 2000),
            register(3, deviceId: "tablet", token: "token-cccccc-333333", time: 3000),
        ])
        #expect(result.outcomes.map(\.status) == [.processed, .processed, .processed])
        let devices = devices(result)
        #expect(devices.keys.sorted() == ["phone", "tablet"])
        #expect(devices["phone"]?.token == "token-bbbbbb-222222")
        #expect(devices["phone"]?.kind == .android)
        #expect(devices["phone"]?.lastSeen == Timestamp(millisecondsSinceEpoch: 2000))
        #expect(devices["phone"]?.maskedToken == "…222222")
    }

    @Test func aWebDeviceRegistersItsSubscription() {
        let subscription: JSONValue = [
            "endpoint": "https://push.example.net/send/abc",
            "keys": ["p256dh": .string(Self.p256dh), "auth": .string(Self.auth)],
        ]
        let result = support.process([
            support.event(
                1,
                .track,
                userId: "u1",
                name: "register push",
                body: ["properties": ["deviceId": "browser", "deviceType": "Web", "subscription": subscription]]
            )
        ])
        let device = devices(result)["browser"]
        #expect(device?.kind == .web)
        #expect(
            device?.subscription
                == .init(endpoint: "https://push.example.net/send/abc", p256dh: Self.p256dh, auth: Self.auth)
        )
    }

    @Test(arguments: [
        (["deviceType": "iOS", "fcmToken": "t"] as JSONValue, "deviceId is missing"),
        (
            ["deviceId": "d", "deviceType": "Palm", "fcmToken": "t"] as JSONValue,
            "deviceType must be iOS, Android or Web"
        ),
        (["deviceId": "d", "deviceType": "iOS"] as JSONValue, "needs fcmToken"),
        (
            ["deviceId": "d", "deviceType": "Web", "subscription": ["endpoint": "http://x"]] as JSONValue,
            "subscription"
        ),
    ])
    func aRegistrationThatCannotBeADeviceFailsItsEvent(_ properties: JSONValue, _ reason: String) {
        let result = support.process([
            support.event(1, .track, userId: "u1", name: "register push", body: ["properties": properties])
        ])
        #expect(result.outcomes[0].status == .failed)
        #expect(result.outcomes[0].errors.first?.code == "invalid_push_device")
        #expect(result.outcomes[0].errors.first?.message.contains(reason) == true, "\(result.outcomes[0].errors)")
        #expect(devices(result).isEmpty)
    }

    @Test func contextDeviceTokenOnAnyEventRegistersTheDevice() {
        let context: JSONValue = ["device": ["id": "ios-1", "type": "ios", "token": "apns-fcm-token-9"]]
        let tooLong = String(repeating: "t", count: 5000)
        let result = support.process([
            support.event(1, .screen, userId: "u1", body: ["context": context]),
            // No id, an unknown type, a token too long: not a device, and the event is still processed.
            support.event(2, .track, userId: "u1", name: "Opened", body: ["context": ["device": ["token": "t"]]]),
            support.event(
                3,
                .page,
                userId: "u1",
                body: ["context": ["device": ["id": "tv", "type": "tvos", "token": "t"]]]
            ),
            support.event(
                4,
                .page,
                userId: "u1",
                body: ["context": ["device": ["id": "x", "type": "ios", "token": .string(tooLong)]]]
            ),
        ])
        #expect(result.outcomes.map(\.status) == [.processed, .processed, .processed, .processed])
        #expect(devices(result).keys.sorted() == ["ios-1"])
        #expect(devices(result)["ios-1"]?.kind == .iOS)
    }

    @Test func anOlderRegistrationArrivingLaterDoesNotReplaceANewerOne() {
        let result = support.process([
            register(1, deviceId: "phone", token: "newer-token-222222", time: 5000),
            register(2, deviceId: "phone", token: "older-token-111111", time: 1000),
        ])
        #expect(devices(result)["phone"]?.token == "newer-token-222222")
    }

    @Test func aTokenBelongsToOneDeviceId() {
        let context: JSONValue = ["device": ["id": "sdk-id", "type": "android", "token": "shared-token-333333"]]
        let result = support.process([
            register(1, deviceId: "app-id", type: "Android", token: "shared-token-333333", time: 1000),
            support.event(2, .page, userId: "u1", time: 2000, body: ["context": context]),
        ])
        #expect(devices(result).keys.sorted() == ["sdk-id"])
    }

    @Test func aCustomerKeepsAtMostFiftyDevicesTheLeastRecentlySeenGoingFirst() {
        let events = (1...55).map {
            register(Int64($0), deviceId: "d\($0)", token: "token-\($0)", time: Int64($0) * 10)
        }
        let kept = devices(support.process(events))
        #expect(kept.count == PushDevice.maximumPerCustomer)
        #expect(kept["d1"] == nil && kept["d5"] == nil && kept["d6"] != nil && kept["d55"] != nil)
    }

    @Test func anAnonymousProfilesDevicesFollowItIntoTheCustomer() {
        let result = support.process([
            register(1, userId: nil, anonymousId: "anon-1", deviceId: "phone", time: 1000),
            register(2, userId: "u1", deviceId: "laptop", type: "Android", time: 2000),
            support.event(3, .identify, userId: "u1", anonymousId: "anon-1", time: 3000, body: ["traits": [:]]),
        ])
        let customer = result.profiles.first { $0.userId == "u1" }
        #expect(customer?.devices.keys.sorted() == ["laptop", "phone"])
        #expect(result.mergedCustomers.count == 1)
    }

    /// A non-default expiry, two batches: a device registered in the first is kept at exactly its
    /// expiry and forgotten by the next change after it.
    @Test func devicesNotSeenForTheExpiryAreForgottenAtTheProfilesNextChange() {
        let day: Int64 = 86_400_000
        var context = SendContext.none
        context.pushDeviceExpiry = .seconds(10 * 86_400)
        func batch(_ events: [LoggedEvent], _ profiles: [CustomerProfile], now: Int64) -> ProfileProcessor.Result {
            ProfileProcessor.process(
                events,
                snapshot: ProfileSnapshot(profiles),
                sends: SendPlanner(context: context),
                now: Timestamp(millisecondsSinceEpoch: now),
                makeCustomerId: Support.Ids().make
            )
        }
        let first = batch([register(1, deviceId: "phone", time: day)], [], now: day)
        #expect(devices(first).keys.sorted() == ["phone"])
        let atExpiry = batch([support.event(2, .page, userId: "u1", time: 11 * day)], first.profiles, now: 11 * day)
        #expect(devices(atExpiry).keys.sorted() == ["phone"])
        let after = batch(
            [support.event(3, .page, userId: "u1", time: 11 * day + 1)],
            atExpiry.profiles,
            now: 11 * day + 1
        )
        #expect(devices(after).isEmpty)
    }

    @Test func aMergeKeepsTheNewestRegistrationOfADevice() {
        let result = support.process([
            register(1, userId: "u1", deviceId: "phone", token: "customer-token-444444", time: 1000),
            register(
                2,
                userId: nil,
                anonymousId: "anon-1",
                deviceId: "phone",
                token: "anonymous-token-555555",
                time: 2000
            ),
            support.event(3, .identify, userId: "u1", anonymousId: "anon-1", time: 3000, body: ["traits": [:]]),
        ])
        let customer = result.profiles.first { $0.userId == "u1" }
        #expect(customer?.devices["phone"]?.token == "anonymous-token-555555")
    }
}
