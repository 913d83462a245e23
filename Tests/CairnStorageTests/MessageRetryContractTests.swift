import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Dead and failed messages sent again on an operator's word, on both backends: queued at once
/// with their attempts from zero and their error cleared; never one a data-protection request
/// failed, never one of another brand or status.
@Suite struct MessageRetryContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    /// Four messages claimed and ended: dead, failed, sent, and failed by a suppression.
    func ended(_ stores: CairnStores) async throws -> [String] {
        _ = try await SendFixtures.queueSMS(in: stores, count: 4, at: time)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 4, now: later(10), lease: .seconds(3600)))
        try #require(claimed.count == 4)
        let ids = claimed.map(\.message.messageId).sorted()
        let records: [DeliveryRecord] = [
            .dead(MessageError(code: "provider_unavailable", message: "Twilio unreachable: no answer")),
            .failed(MessageError(code: "provider_rejected", message: "Twilio 21211: not a valid number")),
            .sent(providerMessageId: "SM1"),
            .failed(MessageError(code: "customer_suppressed", message: "suppressed")),
        ]
        let outcomes = zip(ids, records).map { id, record in
            AttemptOutcome(claim: MessageClaim(messageId: id, attempt: 1), record: record)
        }
        #expect(try await stores.outbox.record(outcomes, at: later(20)) == [true, true, true, true])
        return ids
    }

    @Test(arguments: StoreBackend.allCases)
    func deadAndFailedMessagesAreQueuedAgain(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let ids = try await ended(stores)
        #expect(try await stores.outbox.depth() == 0)
        let other = Tenant(clientId: "c", accountId: "a", brandId: "other")
        #expect(try await stores.outbox.retry(MessageRetry(), tenant: other, at: later(30)).isEmpty)
        #expect(
            try await stores.outbox.retry(MessageRetry(createdUntil: time), tenant: tenant, at: later(30)).isEmpty,
            "none made before then"
        )
        let retried = try await stores.outbox.retry(MessageRetry(), tenant: tenant, at: later(30))
        #expect(retried.sorted() == [ids[0], ids[1]])
        for id in retried {
            let message = try #require(try await stores.outbox.message(messageId: id))
            #expect(message.status == .queued)
            #expect(message.attempts == 0)
            #expect(message.error == nil)
        }
        #expect(try await stores.outbox.depth() == 2, "the lanes' counts follow")
        let again = try await stores.outbox.claim(OutboxClaim(limit: 4, now: later(30), lease: .seconds(3600)))
        #expect(again.map(\.message.messageId).sorted() == [ids[0], ids[1]])
        #expect(again.map(\.message.attempts) == [1, 1])
        #expect(try await stores.outbox.message(messageId: ids[2])?.status == .sent)
        #expect(try await stores.outbox.message(messageId: ids[3])?.status == .failed, "a suppression stands")
    }

    @Test(arguments: StoreBackend.allCases)
    func oneMessageOrOneStatusOrChannel(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let ids = try await ended(stores)
        #expect(try await stores.outbox.retry(MessageRetry(messageId: ids[2]), tenant: tenant, at: later(30)).isEmpty)
        #expect(
            try await stores.outbox.retry(
                MessageRetry(statuses: [.dead], channel: .email),
                tenant: tenant,
                at: later(30)
            )
            .isEmpty
        )
        #expect(
            try await stores.outbox.retry(MessageRetry(statuses: [.dead], channel: .sms), tenant: tenant, at: later(30))
                == [ids[0]]
        )
        #expect(
            try await stores.outbox.retry(MessageRetry(messageId: ids[1]), tenant: tenant, at: later(30)) == [ids[1]]
        )
        #expect(try await stores.outbox.retry(MessageRetry(messageId: ids[1]), tenant: tenant, at: later(30)).isEmpty)
    }
}
