import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// A regulation's steps over a customer's messages and events on both backends, a page at a
/// time: more rows than one page are all erased, cancelled and exported.
@Suite struct PersonalDataPagingContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    func subject(in stores: CairnStores) async throws -> DataSubject {
        let customers = try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant)
        #expect(customers.count == 1)
        return DataSubject(tenant: tenant, customerIds: customers.map(\.customerId))
    }

    @Test(arguments: StoreBackend.allCases)
    func anExportReadsEveryPage(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 5, at: time)
        let subject = try await subject(in: stores)
        let id = try #require(subject.customerIds.first)
        let (events, messages) = (try stores.holding(.events), try stores.holding(.messages))
        // An identify and 5 commands; 5 messages: read 2 at a time, the same as all at once.
        let pagedEvents = try await events.export(subject, page: 2)
        #expect(pagedEvents[id]?.count == 6)
        #expect(pagedEvents == (try await events.export(subject, page: 1000)))
        let pagedMessages = try await messages.export(subject, page: 2)
        #expect(pagedMessages[id]?.count == 5)
        #expect(pagedMessages == (try await messages.export(subject, page: 1000)))
    }

    @Test(arguments: StoreBackend.allCases)
    func messagesAreCancelledAndErasedAPageAtATime(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let commands = try await SendFixtures.queueSMS(in: stores, count: 5, at: time)
        let subject = try await subject(in: stores)
        let messages = try stores.holding(.messages)
        #expect(try await messages.cancelWaiting(subject, page: 2, at: later(1)) == 5)
        #expect(try await stores.outbox.depth() == 0)
        // Slices of 2 of the 5 messages, then none left.
        #expect(try await messages.erase(subject, limit: 2, at: later(2)) == 2)
        #expect(try await messages.erase(subject, limit: 2, at: later(2)) == 2)
        #expect(try await messages.erase(subject, limit: 2, at: later(2)) == 1)
        #expect(try await messages.erase(subject, limit: 2, at: later(2)) == 0)
        for id in commands {
            let message = try #require(try await stores.outbox.messages(eventId: id).first)
            #expect(message.to == "erased")
            #expect(message.content == .object([:]))
            #expect(message.status == .failed)
            #expect(message.error?.code == "customer_suppressed")
        }
    }
}
