import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// An outcome's effects commit in its transaction, and only when it is saved: a provider's
/// opt-out (Twilio 21610) leaves the customer unsubscribed before any claim after it.
@Suite struct OutcomeEffectContractTests {
    let time = EventFixtures.receivedAt
    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    let optedOut = MessageError(code: "opted_out", message: "Twilio 21610: the recipient replied STOP")

    func withdrawal(at time: Timestamp) -> OutcomeEffect {
        let event = SystemEvents.withdrawal(
            tenant: EventFixtures.tenant,
            userId: "u1",
            channel: .sms,
            reason: .providerOptOut,
            at: time
        )
        return .withdrawConsent(channel: .sms, event: event)
    }

    func claim(_ stores: CairnStores, at now: Timestamp) async throws -> [ClaimedMessage] {
        try await stores.outbox.claim(OutboxClaim(limit: 1, now: now, lease: .seconds(3600)))
    }

    func withdrawals(_ stores: CairnStores) async throws -> [StoredEvent] {
        var query = EventQuery(tenant: EventFixtures.tenant)
        query.userId = "u1"
        query.size = 100
        return try await stores.eventLog.events(matching: query).filter { $0.entry.tokenId == SystemEvents.tokenId }
    }

    @Test(arguments: StoreBackend.allCases)
    func anOptOutWithdrawsConsentWithTheOutcomeAndLogsIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 3, at: time)
        let first = try #require(try await claim(stores, at: later(1)).first)
        #expect(first.consent?["sms"]?.subscribed == true)
        let outcome = AttemptOutcome(
            claim: MessageClaim(messageId: first.message.messageId, attempt: 1),
            record: .failed(optedOut),
            effects: [withdrawal(at: later(2))]
        )
        #expect(try await stores.outbox.record([outcome], at: later(3)) == [true])
        let next = try #require(try await claim(stores, at: later(4)).first)
        #expect(next.consent?["sms"]?.subscribed == false, "the next claim sees the withdrawal, unprocessed")
        let logged = try await withdrawals(stores)
        #expect(logged.count == 1, "the withdrawal is on the customer's timeline")
        #expect(logged.first?.status == .accepted)
        let before = try #require(try await stores.profiles.profile(userId: "u1", tenant: EventFixtures.tenant))
        #expect(try await EventFixtures.processAll(stores, at: later(5), sends: SendFixtures.smsContext) == 1)
        let after = try #require(try await stores.profiles.profile(userId: "u1", tenant: EventFixtures.tenant))
        #expect(after.consent == before.consent, "processing the logged withdrawal changes consent no further")
        #expect(after.consent["sms"]?.subscribed == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRefusedOutcomeAppliesNoEffect(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: time)
        let first = try #require(try await claim(stores, at: later(1)).first)
        let stale = AttemptOutcome(
            claim: MessageClaim(messageId: first.message.messageId, attempt: 2),
            record: .failed(optedOut),
            effects: [withdrawal(at: later(2))]
        )
        #expect(try await stores.outbox.record([stale], at: later(3)) == [false])
        let next = try #require(try await claim(stores, at: later(4)).first)
        #expect(next.consent?["sms"]?.subscribed == true)
        #expect(try await withdrawals(stores).isEmpty)
    }
}
