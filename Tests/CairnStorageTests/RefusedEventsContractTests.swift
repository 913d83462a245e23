import CairnCore
import CairnStorage
import CairnTestFixtures
import Foundation
import Testing

/// An event whose data PostgreSQL refuses (here a NUL character in a trait email, which its text
/// columns cannot hold) makes its batch fail with `EventsRefused`, naming it, so the processor
/// can try it alone and set it aside; the events after it still go through.
@Suite struct RefusedEventsContractTests {
    let tenant = EventFixtures.tenant

    func process(_ stores: CairnStores) async throws -> Int {
        try await stores.processing.processPending(limit: 1000, processedAt: EventFixtures.receivedAt) {
            events,
            snapshot in
            ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
        }
    }

    @Test(arguments: StoreBackend.allCases.filter { $0 == .postgres })
    func anEventTheDatabaseRefusesIsNamedAndTheRestGoOn(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        try await stores.eventLog.append([
            EventFixtures.entry(.identify, token: token, userId: "good-1", traits: ["email": "one@example.com"]),
            EventFixtures.entry(.identify, token: token, userId: "bad", traits: ["email": "nul\u{0}@example.com"]),
            EventFixtures.entry(.identify, token: token, userId: "good-2", traits: ["email": "two@example.com"]),
        ])
        let bad = try #require(try await stores.inspection.pendingEvents(limit: 3).dropFirst().first?.sequence)

        var refused: EventsRefused?
        for _ in 0..<3 {
            do {
                _ = try await process(stores)
            } catch let error as EventsRefused {
                refused = error
                break
            }
        }
        #expect(refused?.sequence == bad)
        await #expect(throws: EventsRefused.self) {
            try await stores.processing.processPending(alone: bad, processedAt: EventFixtures.receivedAt) {
                events,
                snapshot in
                ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
            }
        }
        try await stores.processing.fail(sequence: bad, error: .processingFailed, at: EventFixtures.receivedAt)
        try await EventFixtures.processAll(stores)
        #expect(try await stores.inspection.pendingEvents(limit: 10).isEmpty)
        #expect(try await stores.profiles.profile(userId: "good-1", tenant: tenant) != nil)
        #expect(try await stores.profiles.profile(userId: "good-2", tenant: tenant) != nil)
        #expect(try await stores.profiles.profile(userId: "bad", tenant: tenant) == nil)
    }
}
