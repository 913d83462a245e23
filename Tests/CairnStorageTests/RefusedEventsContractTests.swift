import CairnCore
import CairnStorage
import Foundation
import Testing

/// An event whose data PostgreSQL refuses (here a NUL character in a trait email, which its text
/// columns cannot hold) makes its batch fail with `EventsRefused`, naming it, so the processor
/// can try it alone and set it aside; the events after it still go through.
@Suite struct RefusedEventsContractTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")

    func identify(_ userId: String, email: String, token: String) -> EventLogEntry {
        let time = Timestamp.now()
        let body: JSONValue = ["userId": .string(userId), "traits": ["email": .string(email)]]
        return EventLogEntry(
            id: EventID.make(at: time),
            tenant: tenant,
            tokenId: token,
            event: ValidatedEvent(
                action: .identify,
                eventName: nil,
                userId: userId,
                anonymousId: nil,
                originalTimestamp: nil,
                eventTime: time,
                command: nil
            ),
            receivedAt: time,
            body: body.encoded()
        )
    }

    func process(_ stores: CairnStores) async throws -> Int {
        try await stores.profiles.processPending(limit: 1000) { events, snapshot in
            ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
        }
    }

    @Test(arguments: StoreBackend.allCases.filter { $0 == .postgres })
    func anEventTheDatabaseRefusesIsNamedAndTheRestGoOn(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let (token, _) = TokenRecord.issue(scope: .init(clientId: "c", accountId: "a", brandId: "B"), now: .now())
        try await stores.tokens.insert(token)
        try await stores.eventLog.append([
            identify("good-1", email: "one@example.com", token: token.id),
            identify("bad", email: "nul\u{0}@example.com", token: token.id),
            identify("good-2", email: "two@example.com", token: token.id),
        ])
        let bad = try #require(try await stores.profiles.pendingEvents(limit: 3).dropFirst().first?.sequence)

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
            try await stores.profiles.processPending(alone: bad) { events, snapshot in
                ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
            }
        }
        try await stores.profiles.fail(sequence: bad, error: .processingFailed, at: .now())
        while try await process(stores) > 0 {}
        #expect(try await stores.profiles.pendingEvents(limit: 10).isEmpty)
        #expect(try await stores.profiles.profile(userId: "good-1", tenant: tenant) != nil)
        #expect(try await stores.profiles.profile(userId: "good-2", tenant: tenant) != nil)
        #expect(try await stores.profiles.profile(userId: "bad", tenant: tenant) == nil)
    }
}
