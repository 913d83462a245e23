import Testing

@testable import CairnCore

/// Issue 23, devices: registered by a `register push` track event or by any event's
/// `context.device`, one per deviceId, in order with the customer's events; they follow an
/// anonymous profile into its customer and are forgotten when not seen for the expiry.
@Suite struct PushDeviceProcessingTests {
    typealias Support = ProfileProcessorTests
    let support = ProfileProcessorTests()

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
            "endpoint": "https://push.example.net/send/abc", "keys": ["p256dh": "BPub", "auth": "c2VjcmV0"],
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
                == .init(endpoint: "https://push.example.net/send/abc", p256dh: "BPub", auth: "c2VjcmV0")
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
        let result = support.process([
            support.event(1, .screen, userId: "u1", body: ["context": context]),
            // No id: not a device Cairn can name.
            support.event(2, .track, userId: "u1", name: "Opened", body: ["context": ["device": ["token": "t"]]]),
        ])
        #expect(result.outcomes.map(\.status) == [.processed, .processed])
        #expect(devices(result).keys.sorted() == ["ios-1"])
        #expect(devices(result)["ios-1"]?.kind == .iOS)
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

    @Test func devicesNotSeenForTheExpiryAreForgottenAtTheProfilesNextChange() {
        let day: Int64 = 86_400_000
        var context = SendContext.none
        context.pushDeviceExpiry = .seconds(60 * 86_400)
        let old = register(1, deviceId: "old-phone", time: 1000)
        let recent = register(2, deviceId: "new-phone", time: 50 * day)
        let result = ProfileProcessor.process(
            [old, recent, support.event(3, .track, userId: "u1", name: "Viewed", time: 62 * day)],
            snapshot: ProfileSnapshot(),
            sends: SendPlanner(context: context),
            now: Timestamp(millisecondsSinceEpoch: 62 * day),
            makeCustomerId: Support.Ids().make
        )
        #expect(devices(result).keys.sorted() == ["new-phone"])
    }
}
