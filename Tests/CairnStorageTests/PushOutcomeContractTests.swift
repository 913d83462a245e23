import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Issue 23 on both backends: a claimed push carries its device as the customer has it then, and
/// a push service's word that the device is gone removes it in the outcome's transaction, unless
/// it was registered anew with another token since.
@Suite struct PushOutcomeContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant
    let gone = MessageError(code: "device_unregistered", message: "FCM refused the push (UNREGISTERED)")

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    func devices(_ stores: CairnStores) async throws -> [String: String] {
        let profile = try #require(try await stores.profiles.profile(userId: "u1", tenant: tenant))
        return profile.devices.mapValues { $0.token ?? "" }
    }

    func claimAll(_ stores: CairnStores, at now: Timestamp) async throws -> [String: ClaimedMessage] {
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 10, now: now, lease: .seconds(3600)))
        return Dictionary(uniqueKeysWithValues: claimed.map { ($0.message.to, $0) })
    }

    func fail(_ claimed: ClaimedMessage, removing address: String, _ stores: CairnStores) async throws -> Bool? {
        let outcome = AttemptOutcome(
            claim: MessageClaim(messageId: claimed.message.messageId, attempt: claimed.message.attempts),
            record: .failed(gone),
            effects: [.removeDevice(deviceId: claimed.message.to, address: address)]
        )
        return try await stores.outbox.record([outcome], at: later(2)).first
    }

    @Test(arguments: StoreBackend.allCases)
    func aGoneDeviceIsRemovedWithItsMessagesFailure(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queuePush(
            in: stores,
            devices: ["phone": "phone-token", "tablet": "tablet-token"],
            at: time
        )
        let claimed = try await claimAll(stores, at: later(1))
        #expect(claimed["phone"]?.device?.token == "phone-token", "a push carries its device's token")
        #expect(claimed["tablet"]?.device?.token == "tablet-token")
        #expect(claimed["tablet"]?.message.to == "tablet", "the message names the device, never its token")
        let tablet = try #require(claimed["tablet"])
        #expect(try await fail(tablet, removing: "tablet-token", stores) == true)
        #expect(try await devices(stores) == ["phone": "phone-token"])
        let message = try #require(try await stores.outbox.message(messageId: tablet.message.messageId))
        #expect(message.status == .failed)
        #expect(message.error == gone)
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeviceRegisteredAnewSinceIsKept(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queuePush(in: stores, devices: ["tablet": "old-token"], at: time)
        let tablet = try #require(try await claimAll(stores, at: later(1))["tablet"])
        #expect(try await fail(tablet, removing: "new-token", stores) == true)
        #expect(try await devices(stores) == ["tablet": "old-token"], "another token is another registration")
    }

    @Test(arguments: StoreBackend.allCases)
    func aRefusedOutcomeRemovesNoDevice(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queuePush(in: stores, devices: ["tablet": "tablet-token"], at: time)
        var tablet = try #require(try await claimAll(stores, at: later(1))["tablet"])
        tablet.message.attempts += 1
        #expect(try await fail(tablet, removing: "tablet-token", stores) == false)
        #expect(try await devices(stores) == ["tablet": "tablet-token"])
    }
}
