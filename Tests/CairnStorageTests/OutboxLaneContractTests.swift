import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Claims by lane (a brand's channel) on both backends: round the lanes with due messages, least
/// recently served first, none past its cap in flight however many claim; a message whose sender
/// died on its last attempt is dead; the depth is kept with the writes.
@Suite struct OutboxLaneContractTests {
    let time = EventFixtures.receivedAt
    let hotels = EventFixtures.tenant
    let flights = Tenant(clientId: "c", accountId: "a", brandId: "flights")

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    func claim(
        _ stores: CairnStores,
        limit: Int = 100,
        at now: Timestamp? = nil,
        lease: Duration = .seconds(3600),
        maxAttempts: Int = 5
    ) async throws -> [ClaimedMessage] {
        try await stores.outbox.claim(
            OutboxClaim(limit: limit, now: now ?? later(10_000), lease: lease, maxAttempts: maxAttempts)
        )
    }

    func sent(_ stores: CairnStores, _ claimed: ArraySlice<ClaimedMessage>) async throws {
        let outcomes = claimed.map {
            AttemptOutcome(
                claim: MessageClaim(messageId: $0.message.messageId, attempt: $0.message.attempts),
                record: .sent(providerMessageId: nil)
            )
        }
        #expect(try await stores.outbox.record(outcomes, at: later(10_001)).allSatisfy { $0 })
    }

    @Test(arguments: StoreBackend.allCases)
    func aBrandsBacklogDoesNotDelayAnotherBrand(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 30, tenant: hotels, at: time)
        let first = try await claim(stores, limit: 8)
        #expect(first.count == 8)
        #expect(first.allSatisfy { $0.message.tenant == hotels })
        // Another brand's message falls due after all of the backlog's, yet the next claim serves
        // it first: its lane was served less recently.
        _ = try await SendFixtures.queueSMS(in: stores, count: 1, tenant: flights, at: later(100))
        let second = try await claim(stores, limit: 8)
        #expect(second.first?.message.tenant == flights)
        #expect(second.count == 8)
        #expect(second.filter { $0.message.tenant == hotels }.count == 7)
    }

    @Test(arguments: StoreBackend.allCases)
    func aLaneNeverHasMoreThanItsCapInFlight(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 40, tenant: hotels, at: time)
        let first = try await claim(stores)
        #expect(first.count == 8, "a lane takes a batch (half its cap) per claim")
        #expect(first.allSatisfy { $0.laneCap == OutboxClaim.defaultCap })
        let second = try await claim(stores)
        #expect(second.count == 8)
        #expect(try await claim(stores).isEmpty, "16 in flight: the lane is at its cap")
        try await sent(stores, first.prefix(7))
        #expect(try await claim(stores).isEmpty, "fewer than a batch free")
        try await sent(stores, first.suffix(1))
        #expect(try await claim(stores).count == 8)
        #expect(try await stores.outbox.depth() == 32)
    }

    @Test(arguments: StoreBackend.allCases)
    func claimsTogetherNeverPassALanesCap(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 60, tenant: hotels, at: time)
        // As many nodes claiming at once: on PostgreSQL each transaction reads the lane's count
        // under its claim lock, or skips the lane.
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await claim(stores).count } }
            return try await group.reduce(0, +)
        }
        #expect(counts <= OutboxClaim.defaultCap)
        let inFlight = try await stores.outbox.messages(tenant: hotels, filter: MessageFilter(status: .sending))
        #expect(inFlight.count == counts)
    }

    @Test(arguments: StoreBackend.allCases)
    func aBrandsChannelSettingsSetItsCap(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 10, tenant: hotels, at: time)
        try await stores.channels.put(
            ChannelRecord(
                tenant: hotels,
                channel: .sms,
                provider: "twilio",
                sealedSettings: [1, 2, 3],
                summary: [:],
                updatedAt: time,
                maxInFlight: 2
            )
        )
        #expect(try await stores.channels.channel(tenant: hotels, channel: .sms)?.maxInFlight == 2)
        let first = try await claim(stores)
        #expect(first.count == 1)
        #expect(first.first?.laneCap == 2)
        #expect(try await claim(stores).count == 1)
        #expect(try await claim(stores).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aMessageWhoseSenderDiesTwiceInARowIsDeadWithAttemptsLeft(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 1, tenant: hotels, at: time)
        #expect(try await claim(stores, lease: .zero, maxAttempts: 40).map(\.message.attempts) == [1])
        // Reclaimed once: tried again, marked until an outcome is recorded.
        let again = try await claim(stores, lease: .zero, maxAttempts: 40)
        #expect(again.map(\.message.attempts) == [2])
        #expect(again.first?.message.error == .leaseExpiredOnce)
        #expect(try await claim(stores, lease: .zero, maxAttempts: 40).isEmpty)
        let message = try #require(try await stores.outbox.messages(tenant: hotels, filter: MessageFilter()).first)
        #expect(message.status == .dead)
        #expect(message.error == .leaseExpired)
        #expect(message.attempts == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func anOutcomeBetweenTwoDeathsClearsTheMark(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 1, tenant: hotels, at: time)
        _ = try await claim(stores, lease: .zero, maxAttempts: 40)
        let reclaimed = try #require(try await claim(stores, lease: .zero, maxAttempts: 40).first)
        let busy = MessageError(code: "provider_rejected", message: "Twilio 20429: Too Many Requests")
        let retry = AttemptOutcome(
            claim: MessageClaim(messageId: reclaimed.message.messageId, attempt: reclaimed.message.attempts),
            record: .retry(busy, nextAttemptAt: later(10_000))
        )
        #expect(try await stores.outbox.record([retry], at: later(10_000)) == [true])
        #expect(try await claim(stores, lease: .zero, maxAttempts: 40).map(\.message.attempts) == [3])
        #expect(try await claim(stores, lease: .zero, maxAttempts: 40).map(\.message.attempts) == [4])
        #expect(try await claim(stores, lease: .zero, maxAttempts: 40).isEmpty)
        let message = try #require(try await stores.outbox.messages(tenant: hotels, filter: MessageFilter()).first)
        #expect(message.status == .dead)
    }

    @Test(arguments: StoreBackend.allCases)
    func aMessageWhoseSenderDiesOnItsLastAttemptIsDead(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 1, tenant: hotels, at: time)
        // Leased for no time: each claim finds the sender of the one before dead.
        #expect(try await claim(stores, lease: .zero, maxAttempts: 2).map(\.message.attempts) == [1])
        #expect(try await claim(stores, lease: .zero, maxAttempts: 2).map(\.message.attempts) == [2])
        #expect(try await claim(stores, lease: .zero, maxAttempts: 2).isEmpty)
        let message = try #require(try await stores.outbox.messages(tenant: hotels, filter: MessageFilter()).first)
        #expect(message.status == .dead)
        #expect(message.error == .leaseExpired)
        #expect(message.attempts == 2)
        #expect(try await stores.outbox.depth() == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func theDepthIsKeptWithEveryWrite(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 3, tenant: hotels, at: time)
        _ = try await SendFixtures.queueSMS(in: stores, count: 2, tenant: flights, at: time)
        #expect(try await stores.outbox.depth() == 5)
        let claimed = try await claim(stores)
        #expect(claimed.count == 5)
        #expect(try await stores.outbox.depth() == 5, "sending messages still wait")
        try await sent(stores, claimed.prefix(1))
        let retry = AttemptOutcome(
            claim: MessageClaim(messageId: claimed[1].message.messageId, attempt: 1),
            record: .retry(MessageError(code: "busy", message: "busy"), nextAttemptAt: later(1))
        )
        let failed = AttemptOutcome(
            claim: MessageClaim(messageId: claimed[2].message.messageId, attempt: 1),
            record: .failed(MessageError(code: "refused", message: "refused"))
        )
        #expect(try await stores.outbox.record([retry, failed], at: later(10_002)) == [true, true])
        #expect(try await stores.outbox.depth() == 3)
        // Erasing a brand's customer deletes their messages, and the depth with them.
        let customers = try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: flights)
        _ = try await stores.holding(.messages).erase(
            DataSubject(tenant: flights, customerIds: customers.map(\.customerId)),
            limit: 1000,
            at: later(10_003)
        )
        let left = try await stores.outbox.messages(tenant: hotels, filter: MessageFilter())
        #expect(try await stores.outbox.depth() == left.filter { [.queued, .sending].contains($0.status) }.count)
    }

    /// On PostgreSQL leases are on the database's clock: a node whose clock runs 200 s ahead
    /// (past a 120 s lease) does not take another node's live sends.
    @Test(arguments: StoreBackend.allCases.filter { $0 == .postgres })
    func aNodeWhoseClockRunsAheadDoesNotTakeLiveSends(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await SendFixtures.queueSMS(in: stores, count: 1, tenant: hotels, at: time)
        let now = SystemClock().now()
        #expect(try await claim(stores, at: now, lease: .seconds(120)).count == 1)
        #expect(try await claim(stores, at: now.adding(.seconds(200)), lease: .seconds(120)).isEmpty)
        let claimed = try await stores.outbox.messages(tenant: hotels, filter: MessageFilter())
        #expect(claimed.map(\.attempts) == [1])
    }
}
