import CairnCore
import CairnStorage
import CairnTestFixtures
import Foundation
import Testing

/// Several processors on one store at once, as several workers or nodes run them: every event
/// is processed once and each customer's events apply in log order, also when a customer's
/// events fall in different partitions (some name the person by userId, some by anonymousId).
@Suite struct ConcurrentProcessingContractTests {
    let tenant = EventFixtures.tenant
    let users = 8
    let rounds = 30

    /// An anonymousId for `userId` whose events go to another partition than the userId's.
    func anonymousId(for userId: String, token: TokenRecord) -> String {
        (0...).lazy.map { "anon-\(userId)-\($0)" }.first { anonymousId in
            partition(userId: userId, anonymousId: nil, token: token)
                != partition(userId: nil, anonymousId: anonymousId, token: token)
        }!
    }

    func partition(userId: String?, anonymousId: String?, token: TokenRecord) -> Int16 {
        ProcessingPartition.of(entry(userId: userId, anonymousId: anonymousId, round: 0, token: token))
    }

    /// An identify; every one has the same time, so the one applied last sets each trait.
    func entry(userId: String?, anonymousId: String?, round: Int, token: TokenRecord) -> EventLogEntry {
        EventFixtures.entry(
            .identify,
            token: token,
            userId: userId,
            anonymousId: anonymousId,
            traits: ["round": .number(String(round)), "k\(round % 3)": .number(String(round))]
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func fourProcessorsKeepEachCustomersOrderAcrossPartitions(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores)
        // Round 0 joins the user to an anonymousId; later rounds alternate between the two ids,
        // and so between two partitions. Users interleave in the log.
        let people = (0..<users).map { index in
            let userId = "user-\(index)"
            return (userId: userId, anonymousId: anonymousId(for: userId, token: token))
        }
        for round in 0..<rounds {
            try await stores.eventLog.append(
                people.map { person in
                    entry(
                        userId: round == 0 || round % 2 == 1 ? person.userId : nil,
                        anonymousId: round % 2 == 0 ? person.anonymousId : nil,
                        round: round,
                        token: token
                    )
                }
            )
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while true {
                        let processed = try await stores.processing.processPending(
                            limit: 7,
                            processedAt: EventFixtures.receivedAt
                        ) { events, snapshot in
                            ProfileProcessor.process(events, snapshot: snapshot) { UUID().uuidString.lowercased() }
                        }
                        if processed > 0 { continue }
                        if try await stores.inspection.pendingEvents(limit: 1).isEmpty { return }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
            }
            try await group.waitForAll()
        }

        var query = EventQuery(tenant: tenant)
        query.status = .processed
        query.size = 1000
        #expect(try await stores.eventLog.events(matching: query).count == users * rounds)
        for person in people {
            let profile = try #require(try await stores.profiles.profile(userId: person.userId, tenant: tenant))
            #expect(profile.anonymousIds == [person.anonymousId])
            // The last round of each key is the one kept: no round applied after a later one.
            #expect(profile.traits["round"] == .number(String(rounds - 1)), "\(person.userId)")
            for key in 0..<3 {
                let last = (0..<rounds).last { $0 % 3 == key }!
                #expect(profile.traits["k\(key)"] == .number(String(last)), "\(person.userId) k\(key)")
            }
            let timeline = try await stores.profiles.timeline(
                customerId: profile.customerId,
                tenant: tenant,
                from: 0,
                size: 100
            )
            #expect(timeline.count == rounds, "\(person.userId): each event once, all on one customer")
        }
    }
}
