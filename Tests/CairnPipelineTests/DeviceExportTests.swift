import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Testing

/// Issue 23: a customer's push devices are in their access export, whole.
@Suite struct DeviceExportTests {
    let support = RegulationWorkerTests()

    @Test(arguments: StoreBackend.allCases)
    func anAccessExportHoldsTheCustomersDevices(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let token = try await EventFixtures.token(in: stores)
        try await stores.eventLog.append([
            EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["firstName": "Ada"]),
            EventFixtures.entry(
                .track,
                token: token,
                name: "register push",
                userId: "u1",
                extra: ["properties": ["deviceId": "phone", "deviceType": "Android", "fcmToken": "whole-token-123456"]]
            ),
        ])
        try await EventFixtures.processAll(stores, at: clock.now())
        let id = try await support.ask(.access, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        #expect(try await support.worker(stores, clock: clock).performNext())
        let bytes = try #require(try await stores.regulations.export(id: id, tenant: EventFixtures.tenant))
        let device = try JSONParser.parse(bytes)["customers"]?.arrayValue?.first?["devices"]?.arrayValue?.first
        #expect(device?["deviceId"] == "phone")
        #expect(device?["type"] == "Android")
        #expect(device?["token"] == "whole-token-123456")
        #expect(device?["lastSeen"] == .string(EventFixtures.receivedAt.iso8601))
    }
}
