import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct TimelineContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aTimelinePageStopsAtItsBytes(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        let padding = String(repeating: "x", count: 100)
        try await stores.eventLog.append(
            (0..<4).map { index in
                EventFixtures.entry(
                    token: token,
                    name: "e\(index)",
                    userId: "u",
                    extra: ["p": .string(padding)],
                    eventTime: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(index))
                )
            }
        )
        try await EventFixtures.processAll(stores)
        let customer = try #require(try await stores.profiles.profile(userId: "u", tenant: EventFixtures.tenant))
        func page(from: Int, maxBytes: Int) async throws -> [String?] {
            try await stores.profiles.timeline(
                customerId: customer.customerId,
                tenant: EventFixtures.tenant,
                from: from,
                size: 3,
                maxBytes: maxBytes
            ).map(\.entry.event.eventName)
        }
        // Each body is a little over 100 bytes: two start within 150, one alone past a tiny limit.
        #expect(try await page(from: 0, maxBytes: 150) == ["e3", "e2"])
        #expect(try await page(from: 0, maxBytes: 1) == ["e3"])
        #expect(try await page(from: 1, maxBytes: 10_000) == ["e2", "e1", "e0"])
    }
}
