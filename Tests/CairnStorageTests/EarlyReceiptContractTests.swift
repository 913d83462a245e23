import CairnCore
import CairnStorage
import CairnTestFixtures
import GRDB
import PostgresNIO
import Testing

@testable import CairnStorage

/// A provider's receipt that arrives before its message is recorded sent (the provider answered
/// faster than the grouped outcome write) is kept, and applied when the message is recorded sent;
/// dropped when the message is queued again, ends failed or is erased. Each attempt that reached
/// the provider is a provider message of its own (its SID): a receipt about another attempt than
/// the one recorded sent is never applied.
@Suite struct EarlyReceiptContractTests {
    let time = EventFixtures.receivedAt
    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    /// One queued SMS, claimed (attempt 1).
    func claimedMessage(_ stores: CairnStores) async throws -> OutboxMessage {
        try await SendFixtures.queueSMS(in: stores, count: 1, at: time)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 1, now: later(1), lease: .seconds(3600)))
        return try #require(claimed.first).message
    }

    func record(
        _ record: DeliveryRecord,
        of message: OutboxMessage,
        attempt: Int = 1,
        _ stores: CairnStores
    )
        async throws -> Bool
    {
        try await stores.outbox.record(record, messageId: message.messageId, attempt: attempt, at: later(5))
    }

    /// The provider's receipt about its message `sid` (nil: one that names none): delivered, or
    /// failed with `error`.
    func receipt(
        of message: OutboxMessage,
        sid: String?,
        failed error: MessageError? = nil,
        at milliseconds: Int64,
        _ stores: CairnStores
    )
        async throws -> Bool
    {
        try await stores.outbox.receipt(
            messageId: message.messageId,
            providerMessageId: sid,
            delivered: error == nil,
            error: error,
            at: later(milliseconds)
        )
    }

    /// Attempt 1 timed out (after the provider took it, as the test goes on to show): queued
    /// again, then claimed again (attempt 2).
    func retriedAndClaimedAgain(_ message: OutboxMessage, _ stores: CairnStores) async throws {
        let timeout = MessageError(code: "provider_unavailable", message: "timed out")
        #expect(try await record(.retry(timeout, nextAttemptAt: later(4)), of: message, stores))
        let again = try await stores.outbox.claim(OutboxClaim(limit: 1, now: later(10), lease: .seconds(3600)))
        #expect(again.map(\.message.messageId) == [message.messageId])
    }

    static let undelivered = MessageError(
        code: "undelivered",
        message: "Twilio reported the message undelivered (error 30003)."
    )

    @Test(arguments: StoreBackend.allCases)
    func aDeliveryReportedBeforeTheSentWriteIsAppliedWithIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await receipt(of: message, sid: "SM1", at: 2, stores))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .sending)
        #expect(try await KeptReceipts.count(on: stores) == 1)
        #expect(try await record(.sent(providerMessageId: "SM1"), of: message, stores))
        let recorded = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(recorded.status == .delivered)
        #expect(recorded.providerMessageId == "SM1")
        #expect(try await KeptReceipts.count(on: stores) == 0)
        #expect(
            !(try await receipt(of: message, sid: "SM1", at: 6, stores)),
            "a second delivery report finds the message delivered"
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func theFirstFinalReceiptKeptStands(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await receipt(of: message, sid: "SM1", at: 2, stores))
        // Replayed or reordered: a callback carries no time, and a final status only moves forward.
        #expect(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 3, stores))
        #expect(try await KeptReceipts.count(on: stores) == 1, "one receipt kept for one provider message")
        #expect(try await record(.sent(providerMessageId: "SM1"), of: message, stores))
        let recorded = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(recorded.status == .delivered)
        #expect(recorded.error == nil)
        #expect(try await KeptReceipts.count(on: stores) == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func aFinalStatusTakesNoLaterReceipt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await record(.sent(providerMessageId: "SM1"), of: message, stores))
        #expect(try await receipt(of: message, sid: "SM1", at: 2, stores))
        #expect(!(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 3, stores)))
        let delivered = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(delivered.status == .delivered)
        #expect(delivered.error == nil)
        let others = try await backend.makeStores()
        let other = try await claimedMessage(others)
        #expect(try await record(.sent(providerMessageId: "SM2"), of: other, others))
        #expect(try await receipt(of: other, sid: "SM2", failed: Self.undelivered, at: 4, others))
        #expect(!(try await receipt(of: other, sid: "SM2", at: 5, others)))
        #expect(try await others.outbox.message(messageId: other.messageId)?.status == .failed)
    }

    @Test(arguments: StoreBackend.allCases)
    func aReceiptNamingNoSIDIsRefusedWhenOneWasRecorded(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await receipt(of: message, sid: nil, failed: Self.undelivered, at: 2, stores))
        #expect(try await record(.sent(providerMessageId: "SM1"), of: message, stores))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .sent)
        #expect(!(try await receipt(of: message, sid: nil, at: 3, stores)))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .sent)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRetryDropsTheReceiptsKeptForTheAttemptItEnds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        // Receipts that name no provider message: only their timing tells which attempt they are about.
        #expect(try await receipt(of: message, sid: nil, failed: Self.undelivered, at: 2, stores))
        #expect(try await KeptReceipts.count(on: stores) == 1)
        try await retriedAndClaimedAgain(message, stores)
        #expect(try await KeptReceipts.count(on: stores) == 0, "attempt 1 will never be recorded sent")
        #expect(try await record(.sent(providerMessageId: "SM2"), of: message, attempt: 2, stores))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .sent)
        #expect(try await receipt(of: message, sid: "SM2", at: 6, stores))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .delivered)
    }

    @Test(arguments: StoreBackend.allCases)
    func aReceiptKeptForAnEarlierAttemptIsNotAppliedToTheOneRecordedSent(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        try await retriedAndClaimedAgain(message, stores)
        // Twilio took attempt 1 (SM1) after all, and reports it failed while attempt 2 is sending.
        #expect(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 11, stores))
        #expect(try await KeptReceipts.count(on: stores) == 1)
        #expect(try await record(.sent(providerMessageId: "SM2"), of: message, attempt: 2, stores))
        let recorded = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(recorded.status == .sent, "attempt 1's failure is not attempt 2's")
        #expect(recorded.providerMessageId == "SM2")
        #expect(try await KeptReceipts.count(on: stores) == 0)
        #expect(try await receipt(of: message, sid: "SM2", at: 12, stores))
        let delivered = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(delivered.status == .delivered)
        #expect(delivered.error == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func receiptsAboutTwoAttemptsAreKeptApartAndOnlyTheRecordedAttemptsApply(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        try await retriedAndClaimedAgain(message, stores)
        #expect(try await receipt(of: message, sid: "SM2", at: 11, stores))
        #expect(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 12, stores))
        #expect(try await KeptReceipts.count(on: stores) == 2, "one receipt kept per SID")
        #expect(try await record(.sent(providerMessageId: "SM2"), of: message, attempt: 2, stores))
        let recorded = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(recorded.status == .delivered)
        #expect(recorded.error == nil)
        #expect(try await KeptReceipts.count(on: stores) == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func aReceiptNamingAnotherSIDThanTheRecordedOneIsRefused(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await record(.sent(providerMessageId: "SM2"), of: message, stores))
        #expect(!(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 6, stores)))
        #expect(!(try await receipt(of: message, sid: "SM1", at: 7, stores)))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .sent)
        #expect(try await receipt(of: message, sid: "SM2", at: 8, stores))
        #expect(
            !(try await receipt(of: message, sid: "SM1", failed: Self.undelivered, at: 9, stores)),
            "nor on a delivered one"
        )
        let delivered = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(delivered.status == .delivered)
        #expect(delivered.error == nil)
        #expect(try await KeptReceipts.count(on: stores) == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func receiptsKeptForAMessageThatFailsAreDropped(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await receipt(of: message, sid: "SM1", at: 2, stores))
        let rejected = MessageError(code: "provider_rejected", message: "21211 invalid number")
        #expect(try await record(.failed(rejected), of: message, stores))
        let recorded = try #require(try await stores.outbox.message(messageId: message.messageId))
        #expect(recorded.status == .failed)
        #expect(recorded.error == rejected)
        #expect(try await KeptReceipts.count(on: stores) == 0)
        #expect(!(try await receipt(of: message, sid: "SM1", at: 6, stores)))
    }

    @Test(arguments: StoreBackend.allCases)
    func erasingACustomersMessagesDropsTheirKeptReceipts(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let message = try await claimedMessage(stores)
        #expect(try await receipt(of: message, sid: "SM1", at: 2, stores))
        let outbox = try #require(stores.outbox as? any PersonalDataStore)
        let subject = DataSubject(tenant: EventFixtures.tenant, customerIds: [message.customerId])
        _ = try await outbox.erase(subject, limit: 100, at: later(3))
        #expect(try await stores.outbox.message(messageId: message.messageId)?.status == .failed)
        #expect(try await KeptReceipts.count(on: stores) == 0)
        #expect(!(try await record(.sent(providerMessageId: "SM1"), of: message, stores)))
    }

    @Test(arguments: StoreBackend.allCases)
    func aReceiptForNoMessageIsRefusedAndNotKept(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await claimedMessage(stores)
        let unknown = "00000000-0000-0000-0000-000000000000"
        #expect(
            !(try await stores.outbox.receipt(
                messageId: unknown,
                providerMessageId: "SM1",
                delivered: true,
                error: nil,
                at: later(2)
            ))
        )
        #expect(try await KeptReceipts.count(on: stores) == 0)
    }
}

/// Counts the kept receipts straight from the database: they have no reader of their own.
enum KeptReceipts {
    static func count(on stores: CairnStores) async throws -> Int {
        let sql = "SELECT count(*) FROM message_receipts"
        if let database = stores.probe as? SQLiteDatabase {
            return try await database.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        } else if let database = stores.probe as? CairnStorage.PostgresDatabase {
            let rows = try await database.query(PostgresQuery(unsafeSQL: sql))
            return try rows.first?.decode(Int.self) ?? 0
        }
        return 0
    }
}
