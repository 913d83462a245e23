import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// The outbox on both backends: a send command's message is made in the processor's
/// transaction, claimed once, leased, retried and recorded.
@Suite struct OutboxContractTests {
    let time = EventFixtures.receivedAt
    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    func arrange(
        _ stores: CairnStores,
        count: Int = 1,
        tenant: Tenant = EventFixtures.tenant
    ) async throws
        -> [EventID]
    {
        try await SendFixtures.queueSMS(in: stores, count: count, tenant: tenant, at: time)
    }

    @Test(arguments: StoreBackend.allCases)
    func aSendCommandMakesOneMessageInItsEventsTransaction(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let ids = try await arrange(stores)
        let messages = try await stores.outbox.messages(eventId: ids[0])
        let message = try #require(messages.first)
        #expect(messages.count == 1)
        #expect(message.to == "+447700900123")
        #expect(message.status == .queued)
        #expect(message.content["body"] == "Hi Ada, booking B0")
        #expect(message.userId == "u1")
        let stored = try #require(try await stores.eventLog.event(id: ids[0], tenant: EventFixtures.tenant))
        #expect(stored.status == .processed)
        #expect(try await stores.outbox.depth() == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func outcomesAreRecordedTogetherEachByItsOwnClaim(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await arrange(stores, count: 3)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 3, now: later(1), lease: .seconds(3600)))
        try #require(claimed.count == 3)
        let ids = claimed.map(\.message.messageId)
        let error = MessageError(code: "provider_rejected", message: "SMTP: 550 no such user")
        let saved = try await stores.outbox.record(
            [
                AttemptOutcome(
                    claim: MessageClaim(messageId: ids[0], attempt: 1),
                    record: .sent(providerMessageId: "Q1")
                ),
                AttemptOutcome(
                    claim: MessageClaim(messageId: ids[1], attempt: 2),
                    record: .sent(providerMessageId: "Q2")
                ),
                AttemptOutcome(claim: MessageClaim(messageId: ids[2], attempt: 1), record: .failed(error)),
            ],
            at: later(5)
        )
        #expect(saved == [true, false, true], "the second names an attempt that is not the message's")
        #expect(try await stores.outbox.message(messageId: ids[0])?.status == .sent)
        #expect(try await stores.outbox.message(messageId: ids[1])?.status == .sending)
        #expect(try await stores.outbox.message(messageId: ids[2])?.error == error)
        #expect(try await stores.outbox.record([], at: later(6)).isEmpty)
    }

    /// A claim for `limit` at `now`, leased for an hour: no lease ends within a test unless the
    /// test ends it (a lease of zero, or renewed for zero). Leases are on the database's clock on
    /// PostgreSQL, so a test cannot move them with `now`.
    func claim(
        _ stores: CairnStores,
        limit: Int,
        at now: Timestamp,
        lease: Duration = .seconds(3600)
    ) async throws
        -> [ClaimedMessage]
    {
        try await stores.outbox.claim(OutboxClaim(limit: limit, now: now, lease: lease))
    }

    @Test(arguments: StoreBackend.allCases)
    func aRenewedLeaseKeepsAMessageFromBeingClaimedAgain(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await arrange(stores, count: 2)
        let claimed = try await claim(stores, limit: 2, at: later(1), lease: .zero)
        try #require(claimed.count == 2)
        let kept = MessageClaim(messageId: claimed[0].message.messageId, attempt: 1)
        let wrongAttempt = MessageClaim(messageId: claimed[1].message.messageId, attempt: 7)
        #expect(try await stores.outbox.renewLeases([kept, wrongAttempt], now: later(2), lease: .seconds(3600)) == 1)
        // Both leases ended at once; only the message whose lease was not renewed is claimed again.
        let again = try await claim(stores, limit: 10, at: later(3))
        #expect(again.map(\.message.messageId) == [claimed[1].message.messageId])
        // A claim that is no longer the message's renews nothing.
        let stale = MessageClaim(messageId: claimed[1].message.messageId, attempt: 1)
        #expect(try await stores.outbox.renewLeases([stale], now: later(4), lease: .zero) == 0)
        #expect(try await stores.outbox.renewLeases([], now: later(4), lease: .zero) == 0)
        #expect(try await claim(stores, limit: 10, at: later(5)).isEmpty)
        // Renewed for nothing, the kept lease ends: the message is claimed again.
        #expect(try await stores.outbox.renewLeases([kept], now: later(6), lease: .zero) == 1)
        let last = try await claim(stores, limit: 10, at: later(7))
        #expect(last.map(\.message.messageId) == [kept.messageId])
    }

    @Test(arguments: StoreBackend.allCases)
    func aMessageIsClaimedOnceUntilItsLeaseEnds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await arrange(stores, count: 3)
        let first = try await claim(stores, limit: 2, at: later(1))
        #expect(first.count == 2)
        #expect(first.allSatisfy { $0.message.status == .sending && $0.message.attempts == 1 })
        #expect(first.first?.consent?["sms"]?.subscribed == true, "the customer's consent comes with the claim")
        let second = try await claim(stores, limit: 10, at: later(2))
        #expect(second.count == 1, "claimed messages are not claimed again while leased")
        #expect(Set((first + second).map(\.message.messageId)).count == 3)
        #expect(try await claim(stores, limit: 10, at: later(3)).isEmpty)
        // The lease of the others ends without an outcome (their senders died): claimed again.
        let sent = first[0].message
        #expect(
            try await stores.outbox.record(
                .sent(providerMessageId: "SM1"),
                messageId: sent.messageId,
                attempt: 1,
                at: later(4)
            )
        )
        let ending = [first[1], second[0]].map { MessageClaim(messageId: $0.message.messageId, attempt: 1) }
        #expect(try await stores.outbox.renewLeases(ending, now: later(5), lease: .zero) == 2)
        let again = try await claim(stores, limit: 10, at: later(1000))
        #expect(Set(again.map(\.message.messageId)) == Set([first[1], second[0]].map(\.message.messageId)))
        #expect(again.allSatisfy { $0.message.attempts == 2 })
        // The first claim's outcome comes too late: it no longer counts.
        let stale = first[1].message
        #expect(
            !(try await stores.outbox.record(
                .sent(providerMessageId: nil),
                messageId: stale.messageId,
                attempt: 1,
                at: later(1001)
            ))
        )
        let done = try #require(try await stores.outbox.message(messageId: sent.messageId))
        #expect(done.status == .sent)
        #expect(done.providerMessageId == "SM1")
        #expect(done.sentAt == later(4))
    }

    @Test(arguments: StoreBackend.allCases)
    func retriesWaitForTheirTimeAndFailuresAreKept(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await arrange(stores, count: 2)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 2, now: later(1), lease: .seconds(3600)))
        let (a, b) = (claimed[0].message, claimed[1].message)
        let busy = MessageError(code: "provider_rejected", message: "Twilio 20429: Too Many Requests")
        #expect(
            try await stores.outbox.record(
                .retry(busy, nextAttemptAt: later(500)),
                messageId: a.messageId,
                attempt: 1,
                at: later(2)
            )
        )
        let refused = MessageError(code: "provider_rejected", message: "Twilio 21211: invalid number")
        #expect(try await stores.outbox.record(.failed(refused), messageId: b.messageId, attempt: 1, at: later(2)))
        #expect(
            try await stores.outbox.claim(OutboxClaim(limit: 10, now: later(499), lease: .seconds(3600))).isEmpty
        )
        let retried = try await stores.outbox.claim(OutboxClaim(limit: 10, now: later(500), lease: .seconds(3600)))
        #expect(retried.map(\.message.messageId) == [a.messageId])
        #expect(retried.first?.message.error == busy, "the last error stays visible while it retries")
        #expect(try await stores.outbox.record(.dead(busy), messageId: a.messageId, attempt: 2, at: later(501)))
        let failed = try await stores.outbox.messages(
            tenant: EventFixtures.tenant,
            filter: MessageFilter(status: .failed)
        )
        #expect(failed.map(\.messageId) == [b.messageId])
        #expect(failed.first?.error == refused)
        let dead = try #require(try await stores.outbox.message(messageId: a.messageId))
        #expect(dead.status == .dead)
        #expect(dead.attempts == 2)
        #expect(try await stores.outbox.depth() == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func receiptsMoveSentMessagesOfTheirOwnBrand(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let other = Tenant(clientId: "c", accountId: "a", brandId: "other")
        _ = try await arrange(stores, count: 1, tenant: other)
        let claimed = try await claim(stores, limit: 10, at: later(1))
        #expect(claimed.map(\.message.tenant) == [other])
        let message = claimed[0].message
        #expect(
            try await stores.outbox.record(
                .sent(providerMessageId: "SMx"),
                messageId: message.messageId,
                attempt: 1,
                at: later(2)
            )
        )
        #expect(
            try await stores.outbox.receipt(
                messageId: message.messageId,
                providerMessageId: "SMx",
                delivered: true,
                error: nil,
                at: later(3)
            )
        )
        #expect(try await stores.outbox.message(tenant: other, messageId: message.messageId)?.status == .delivered)
        #expect(try await stores.outbox.message(tenant: EventFixtures.tenant, messageId: message.messageId) == nil)
        #expect(
            !(try await stores.outbox.receipt(
                messageId: "nope",
                providerMessageId: "SMx",
                delivered: true,
                error: nil,
                at: later(3)
            ))
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func channelSettingsAreKeptPerBrandAndMakeTheChannelConfigured(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let record = ChannelRecord(
            tenant: EventFixtures.tenant,
            channel: .email,
            provider: "smtp",
            sealedSettings: [1, 2, 3],
            summary: ["provider": "smtp"],
            updatedAt: time
        )
        try await stores.channels.put(record)
        #expect(try await stores.channels.channels(tenant: EventFixtures.tenant) == [record])
        var changed = record
        changed.sealedSettings = [4]
        changed.updatedAt = later(1)
        try await stores.channels.put(changed)
        #expect(try await stores.channels.channel(tenant: EventFixtures.tenant, channel: .email) == changed)
        #expect(try await stores.channels.remove(tenant: EventFixtures.tenant, channel: .email))
        #expect(!(try await stores.channels.remove(tenant: EventFixtures.tenant, channel: .email)))
        #expect(try await stores.channels.channels(tenant: EventFixtures.tenant).isEmpty)
    }
}
