import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Push devices on both backends: kept with the profile the processor writes, read back by the
/// profile readers and the next batch, and gone with the customer when erased.
@Suite struct DeviceStoreContractTests {
    let tenant = EventFixtures.tenant

    func register(
        _ deviceId: String,
        type: String,
        token: String,
        userId: String,
        token record: TokenRecord,
        at time: Int64
    )
        -> EventLogEntry
    {
        EventFixtures.entry(
            .track,
            token: record,
            name: "register push",
            userId: userId,
            extra: [
                "properties": ["deviceId": .string(deviceId), "deviceType": .string(type), "fcmToken": .string(token)]
            ],
            receivedAt: Timestamp(millisecondsSinceEpoch: EventFixtures.receivedAt.millisecondsSinceEpoch + time)
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func devicesAreStoredWithTheProfileAndErasedWithIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        try await stores.eventLog.append([
            register("phone", type: "iOS", token: "first-token-aaaaaa", userId: "u1", token: token, at: 1),
            register("tablet", type: "Android", token: "tablet-token-bbbbbb", userId: "u1", token: token, at: 2),
        ])
        try await EventFixtures.processAll(stores)
        // A later batch reads them back and replaces one token.
        try await stores.eventLog.append([
            register("phone", type: "iOS", token: "second-token-cccccc", userId: "u1", token: token, at: 3)
        ])
        try await EventFixtures.processAll(stores)
        let profile = try #require(try await stores.profiles.profile(userId: "u1", tenant: tenant))
        #expect(profile.devices.keys.sorted() == ["phone", "tablet"])
        #expect(profile.devices["phone"]?.token == "second-token-cccccc")
        #expect(profile.devices["tablet"]?.kind == .android)

        let subject = DataSubject(tenant: tenant, customerIds: [profile.customerId])
        #expect(try await stores.holding(.profiles).erase(subject, limit: 10, at: EventFixtures.receivedAt) == 1)
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
    }
}
