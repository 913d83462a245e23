import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// The steps of an erasure on both backends, each store erasing its own data: finding the
/// customers a subject names, events in slices, messages, and the profiles last, with whatever
/// the processor linked to them meanwhile.
@Suite struct ErasureContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    @Test(arguments: StoreBackend.allCases)
    func anErasureLeavesEventsAndMessagesWithoutTheCustomer(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let commands = try await SendFixtures.queueSMS(in: stores, count: 3, at: time)
        let customers = try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant)
        let ids = customers.map(\.customerId)
        #expect(ids.count == 1)
        let subject = DataSubject(tenant: tenant, customerIds: ids)
        let (events, messages) = (try stores.holding(.events), try stores.holding(.messages))
        // Slices: 4 events (an identify and 3 commands), 3 at a time.
        #expect(try await events.erase(subject, limit: 3, at: later(1)) == 3)
        #expect(try await events.erase(subject, limit: 3, at: later(1)) == 1)
        #expect(try await events.erase(subject, limit: 3, at: later(1)) == 0)
        #expect(try await messages.erase(subject, limit: 3, at: later(1)) == 3)
        #expect(try await messages.erase(subject, limit: 3, at: later(1)) == 0)
        #expect(try await stores.holding(.profiles).erase(subject, limit: 3, at: later(2)) == 1)

        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
        #expect(try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant).isEmpty)
        for id in commands {
            let stored = try #require(try await stores.eventLog.event(id: id, tenant: tenant))
            #expect(stored.entry.body == Array("{}".utf8))
            #expect(stored.entry.event.userId == nil)
            let message = try #require(try await stores.outbox.messages(eventId: id).first)
            #expect(message.to == "erased")
            #expect(message.content == .object([:]))
            #expect(message.userId == nil)
            #expect(message.status == .failed)
            #expect(message.error?.code == "customer_deleted")
        }
        #expect(try await stores.outbox.depth() == 0)
    }

    /// An erasure forgets the events' messageIds (a repeat of one is taken again, not a duplicate)
    /// and erases the events that name the subject but that the processor failed, so no customer holds.
    @Test(arguments: StoreBackend.allCases)
    func anErasureForgetsMessageIdsAndErasesEventsNoCustomerHolds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        let identify = EventFixtures.entry(.identify, token: token, userId: "u1", anonymousId: "a1", messageId: "m-1")
        let broken = EventFixtures.entry(
            token: token,
            name: "Broken",
            userId: "u1",
            anonymousId: "a1",
            receivedAt: later(1),
            messageId: "m-2",
            body: Array(#"{"userId":"u1","#.utf8)
        )
        let other = EventFixtures.entry(token: token, name: "Theirs", userId: "u2", receivedAt: later(2))
        _ = try await stores.eventLog.append([identify, broken, other])
        try await EventFixtures.processAll(stores, at: later(3))
        #expect(try await stores.eventLog.event(id: broken.id, tenant: tenant)?.status == .failed)
        let customers = try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant)
        let subject = DataSubject(.init(kind: .userId, value: "u1"), customers: customers, tenant: tenant)
        #expect(subject.identities == ["a1", "u1"])
        #expect(try await stores.holding(.events).erase(subject, limit: 10, at: later(4)) == 2)
        #expect(try await stores.holding(.events).erase(subject, limit: 10, at: later(4)) == 0)
        for id in [identify.id, broken.id] {
            let stored = try #require(try await stores.eventLog.event(id: id, tenant: tenant))
            #expect(stored.entry.event.userId == nil)
            #expect(stored.entry.event.anonymousId == nil)
            #expect(stored.entry.messageId == nil)
            #expect(stored.entry.body == Array("{}".utf8))
        }
        #expect(try await stores.eventLog.event(id: other.id, tenant: tenant)?.entry.event.userId == "u2")
        // The same messageIds again: taken, not refused as duplicates of what was forgotten.
        let again = [
            EventFixtures.entry(token: token, name: "Again", userId: "u9", receivedAt: later(5), messageId: "m-1"),
            EventFixtures.entry(token: token, name: "Again", userId: "u9", receivedAt: later(5), messageId: "m-2"),
        ]
        let duplicates = try await stores.eventLog.append(again, duplicatesSince: time)
        #expect(duplicates.isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aSubjectFindsItsCustomersByEveryIdTheyAreKnownBy(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        try await stores.eventLog.append([
            EventFixtures.entry(
                .identify,
                token: token,
                userId: "u1",
                anonymousId: "anon-1",
                traits: ["email": "Ada@Example.com"]
            ),
            EventFixtures.entry(.identify, token: token, userId: "u2", traits: ["email": "ada@example.com"]),
            EventFixtures.entry(.alias, token: token, userId: "u1", previousId: "old-id"),
        ])
        try await EventFixtures.processAll(stores, at: time)
        let profiles = stores.profiles
        let byUser = try await profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant)
        #expect(byUser.map(\.userId) == ["u1"])
        #expect(byUser.first?.anonymousIds == ["anon-1", "old-id"])
        #expect(
            try await profiles.customers(of: .init(kind: .userId, value: "old-id"), tenant: tenant).map(\.userId)
                == ["u1"]
        )
        #expect(
            try await profiles.customers(of: .init(kind: .anonymousId, value: "anon-1"), tenant: tenant).map(
                \.userId
            ) == ["u1"]
        )
        let byEmail = try await profiles.customers(of: .init(kind: .email, value: "ADA@example.com"), tenant: tenant)
        #expect(Set(byEmail.compactMap(\.userId)) == ["u1", "u2"])
        #expect(
            try await profiles.customers(
                of: .init(kind: .userId, value: "u1"),
                tenant: Tenant(clientId: "c", accountId: "a", brandId: "Other")
            ).isEmpty
        )
    }

    /// A processor batch that read a customer before a regulation deleted them is not stored
    /// (it is processed again without them): writing the profile back would bring them back.
    @Test(arguments: StoreBackend.allCases)
    func aBatchThatReadADeletedCustomerIsNotStored(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: time)
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        let late = EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["city": "Bath"])
        try await stores.eventLog.append([late])
        let pending = try await stores.inspection.pendingEvents(limit: 10)
        let profiles = try await stores.inspection.profiles(
            userIds: [IdentityKey(tenant, "u1")],
            anonymousIds: []
        )
        // The batch is worked out from what was read; then the customer is deleted.
        let result = ProfileProcessor.process(pending, snapshot: ProfileSnapshot(profiles)) { "new-customer" }
        #expect(result.createdCustomers.isEmpty)
        let subject = DataSubject(tenant: tenant, customerIds: profiles.map(\.customerId))
        #expect(try await stores.holding(.profiles).erase(subject, limit: 1, at: later(1)) == 1)
        await #expect(throws: StorageError.customerDeleted) {
            try await stores.inspection.commit(result, processedAt: later(2))
        }
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
        // Processed again, the event makes a new customer of what it says alone.
        try await EventFixtures.processAll(stores, at: later(3))
        let again = try #require(try await stores.profiles.profile(userId: "u1", tenant: tenant))
        #expect(again.traits == ["city": "Bath"])
    }

    /// What the processor linked to a customer between an erasure's steps is erased with them.
    @Test(arguments: StoreBackend.allCases)
    func theLastStepErasesWhatWasLinkedToTheCustomerMeanwhile(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: time)
        let ids = try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant)
            .map(\.customerId)
        let subject = DataSubject(tenant: tenant, customerIds: ids)
        _ = try await stores.holding(.events).erase(subject, limit: 100, at: later(1))
        _ = try await stores.holding(.messages).erase(subject, limit: 100, at: later(1))
        let commands = try await SendFixtures.queueSMS(in: stores, at: later(2))
        #expect(try await stores.holding(.profiles).erase(subject, limit: 100, at: later(3)) == 1)
        let event = try #require(try await stores.eventLog.event(id: commands[0], tenant: tenant))
        #expect(event.entry.body == Array("{}".utf8))
        let message = try #require(try await stores.outbox.messages(eventId: commands[0]).first)
        #expect(message.to == "erased")
        #expect(message.status == .failed)
    }
}

extension CairnStores {
    /// The one store holding `kind` of personal data.
    func holding(_ kind: PersonalData) throws -> any PersonalDataStore {
        let holding = personalData.filter { $0.personalData == kind }
        try #require(holding.count == 1, "one store holds \(kind)")
        return holding[0]
    }
}
