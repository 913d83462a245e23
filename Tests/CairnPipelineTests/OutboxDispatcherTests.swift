import CairnChannels
import CairnCore
import CairnStorage
import CairnTestFixtures
import Logging
import MetricsTestKit
import Synchronization
import Testing

@testable import CairnPipeline

/// The outbox dispatcher's decisions, on a real store with a scripted sender (the senders
/// themselves are tested against real peers in CairnChannelsTests and cairnTests).
@Suite struct OutboxDispatcherTests {
    let clock = ManualClock(start: EventFixtures.receivedAt)

    /// A sender that answers each attempt with the next scripted outcome (the last one repeats).
    final class ScriptedSender: ChannelSender, SenderDirectory {
        private let script: Mutex<[SendOutcome]>
        private let sent = Mutex<[String]>([])

        init(_ outcomes: [SendOutcome]) {
            script = Mutex(outcomes)
        }

        var attempts: [String] { sent.withLock { $0 } }

        func send(_ message: OutboxMessage) async -> SendOutcome {
            sent.withLock { $0.append(message.messageId) }
            return script.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        }

        func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup { .found(self) }
        func shutdown() async {}
    }

    func dispatcher(
        _ stores: CairnStores,
        _ senders: any SenderDirectory,
        attempts: Int = 5,
        metrics: CairnMetrics = .none
    ) -> OutboxDispatcher {
        OutboxDispatcher(
            store: stores.outbox,
            senders: senders,
            clock: clock,
            settings: OutboxDispatcher.Settings(
                retry: RetryPolicy(maxAttempts: attempts, baseSeconds: 0),
                idleInterval: .milliseconds(5)
            ),
            metrics: metrics,
            logger: Logger(label: "outbox")
        )
    }

    /// Claims what is due and delivers it, as the run loop does; how many it delivered.
    @discardableResult
    func deliverDue(_ dispatcher: OutboxDispatcher, _ stores: CairnStores) async throws -> Int {
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 10, now: clock.now(), lease: .seconds(3600)))
        for item in claimed { await dispatcher.deliver(item) }
        return claimed.count
    }

    func onlyMessage(_ stores: CairnStores) async throws -> OutboxMessage {
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        try #require(messages.count == 1)
        return messages[0]
    }

    static let busy = MessageError(code: "provider_rejected", message: "Twilio 20429: Too Many Requests")
    static let invalid = MessageError(code: "provider_rejected", message: "Twilio 21211: not a valid number")

    @Test func aTransientFailureIsRetriedUntilItIsSent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let sender = ScriptedSender([.transient(Self.busy), .transient(Self.busy), .sent(providerMessageId: "SM1")])
        let dispatcher = dispatcher(stores, sender)
        #expect(try await deliverDue(dispatcher, stores) == 1)
        let waiting = try await onlyMessage(stores)
        #expect(waiting.status == .queued)
        #expect(waiting.error == Self.busy, "the last error shows while it waits")
        try await deliverDue(dispatcher, stores)
        try await deliverDue(dispatcher, stores)
        let sent = try await onlyMessage(stores)
        #expect(sent.status == .sent)
        #expect(sent.attempts == 3)
        #expect(sent.providerMessageId == "SM1")
        #expect(sender.attempts.count == 3)
    }

    @Test func aPermanentRefusalFailsAfterOneAttempt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let sender = ScriptedSender([.permanent(Self.invalid, withdrawsConsent: false)])
        let dispatcher = dispatcher(stores, sender)
        try await deliverDue(dispatcher, stores)
        #expect(try await deliverDue(dispatcher, stores) == 0, "nothing is left to try")
        let failed = try await onlyMessage(stores)
        #expect(failed.status == .failed)
        #expect(failed.attempts == 1)
        #expect(failed.error == Self.invalid)
    }

    @Test func theLastTransientFailureLeavesTheMessageDead() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let dispatcher = dispatcher(stores, ScriptedSender([.transient(Self.busy)]), attempts: 3)
        for _ in 0..<5 { try await deliverDue(dispatcher, stores) }
        let dead = try await onlyMessage(stores)
        #expect(dead.status == .dead)
        #expect(dead.attempts == 3)
        #expect(dead.error == Self.busy)
    }

    /// The provider was handed the whole message and never answered: it may have it, so the
    /// message is tried once more, and an unknown outcome again ends it failed (not five sends).
    @Test func anUnknownOutcomeIsTriedOnceMoreThenFailed() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let silent = MessageError.outcomeUnknown("SMTP: no answer to the final dot.")
        let sender = ScriptedSender([.unknown(silent)])
        let dispatcher = dispatcher(stores, sender)
        try await deliverDue(dispatcher, stores)
        #expect(try await onlyMessage(stores).status == .queued)
        for _ in 0..<4 { try await deliverDue(dispatcher, stores) }
        let failed = try await onlyMessage(stores)
        #expect(failed.status == .failed)
        #expect(failed.attempts == 2)
        #expect(failed.error?.code == "outcome_unknown")
        #expect(sender.attempts.count == 2)
    }

    @Test func anUnknownOutcomeAfterAnotherFailureIsTriedAgain() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let silent = MessageError.outcomeUnknown("SMTP: no answer to the final dot.")
        let sender = ScriptedSender([.transient(Self.busy), .unknown(silent), .sent(providerMessageId: "SM1")])
        let dispatcher = dispatcher(stores, sender)
        for _ in 0..<3 { try await deliverDue(dispatcher, stores) }
        let sent = try await onlyMessage(stores)
        #expect(sent.status == .sent)
        #expect(sent.attempts == 3)
    }

    @Test func consentWithdrawnBeforeTheMessageLeavesStopsIt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let token = try await EventFixtures.token(in: stores, at: clock.now())
        let unsubscribe = EventFixtures.entry(
            .identify,
            token: token,
            userId: "u1",
            traits: ["marketingPreferences": ["channels": [["channel": "sms", "subscribed": false]]]],
            receivedAt: clock.now()
        )
        try await stores.eventLog.append([unsubscribe])
        try await EventFixtures.processAll(stores, at: clock.now())
        let sender = ScriptedSender([.sent(providerMessageId: "SM1")])
        try await deliverDue(dispatcher(stores, sender), stores)
        let stopped = try await onlyMessage(stores)
        #expect(stopped.status == .failed)
        #expect(stopped.error?.code == "channel_not_subscribed")
        #expect(sender.attempts.isEmpty, "the provider never saw it")
    }

    /// A message made before (or while) its customer was suppressed is not sent.
    @Test func aCustomerSuppressedSinceTheMessageWasMadeStopsIt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let customer = try #require(try await stores.profiles.profile(userId: "u1", tenant: EventFixtures.tenant))
        _ = try await stores.suppressions.suppress(
            [],
            kind: .suppress,
            customerIds: [customer.customerId],
            regulationId: "r-1",
            at: clock.now()
        )
        let sender = ScriptedSender([.sent(providerMessageId: "SM1")])
        try await deliverDue(dispatcher(stores, sender), stores)
        let stopped = try await onlyMessage(stores)
        #expect(stopped.status == .failed)
        #expect(stopped.error == .customerSuppressed)
        #expect(sender.attempts.isEmpty, "the provider never saw it")
    }

    @Test func aProvidersOptOutWithdrawsTheCustomersConsent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        let optedOut = MessageError(code: "provider_rejected", message: "Twilio 21610: unsubscribed recipient")
        let sender = ScriptedSender([.permanent(optedOut, withdrawsConsent: true), .sent(providerMessageId: "SM2")])
        let dispatcher = dispatcher(stores, sender)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600)))
        await dispatcher.deliver(try #require(claimed.first))
        // The withdrawal is an identify in the log; once processed, the second message is stopped.
        try await EventFixtures.processAll(stores, at: clock.now())
        let profile = try #require(try await stores.profiles.profile(userId: "u1", tenant: EventFixtures.tenant))
        #expect(profile.consent["sms"]?.subscribed == false)
        try await deliverDue(dispatcher, stores)
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        #expect(Set(messages.map { $0.error?.code }) == ["provider_rejected", "channel_not_subscribed"])
        #expect(sender.attempts.count == 1)
    }

    @Test func theRunningServiceSendsAndCountsWhatItSent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 3, at: clock.now())
        let metrics = TestMetrics()
        let sender = ScriptedSender([.sent(providerMessageId: "SM")])
        let dispatcher = dispatcher(stores, sender, metrics: CairnMetrics(factory: metrics))
        let running = Task { try await dispatcher.run() }
        for _ in 0..<500 where try await stores.outbox.depth() > 0 { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        _ = await running.result
        #expect(try await stores.outbox.depth() == 0)
        #expect(sender.attempts.count == 3)
        #expect(
            metrics.counterTotal(label: "cairn_messages_total", dimensions: [("channel", "sms"), ("outcome", "sent")])
                == 3
        )
    }

    @Test func theProcessorWakesAnIdleDispatcherWhenItQueuesMessages() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let wake = WakeSignal()
        let sender = ScriptedSender([.sent(providerMessageId: "SM")])
        // Idle for a minute unless woken: only the processor's ring can make it send within the test.
        let dispatcher = OutboxDispatcher(
            store: stores.outbox,
            senders: sender,
            clock: clock,
            settings: OutboxDispatcher.Settings(idleInterval: .seconds(60)),
            wake: wake,
            logger: Logger(label: "outbox")
        )
        let running = Task { try await dispatcher.run() }
        for _ in 0..<500 where wake.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(wake.waiting == 1, "the dispatcher is idle before the processor queues anything")
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now(), processed: false)
        let processor = EventProcessor(
            store: stores.processing,
            clock: clock,
            sends: SendFixtures.smsContext,
            messagesQueued: wake,
            logger: Logger(label: "processor")
        )
        #expect(try await processor.processBatch() == 3)
        for _ in 0..<500 where sender.attempts.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        _ = await running.result
        #expect(sender.attempts.count == 2)
    }

    @Test func aBacklogKeepsItsLaneAtItsCapAndNoHigher() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 40, at: clock.now())
        let sender = HoldingSender()
        let dispatcher = OutboxDispatcher(
            store: stores.outbox,
            senders: sender,
            clock: clock,
            settings: OutboxDispatcher.Settings(idleInterval: .milliseconds(5)),
            logger: Logger(label: "outbox")
        )
        let running = Task { try await dispatcher.run() }
        // A claim that took a batch is followed by another at once, until the lane is at its cap.
        for _ in 0..<500 where sender.holding < OutboxClaim.defaultCap { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sender.holding == OutboxClaim.defaultCap)
        let sending = try await stores.outbox.messages(
            tenant: EventFixtures.tenant,
            filter: MessageFilter(status: .sending)
        )
        #expect(sending.count == OutboxClaim.defaultCap)
        sender.release()
        for _ in 0..<500 where try await stores.outbox.depth() > 0 { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        _ = await running.result
        #expect(try await stores.outbox.depth() == 0)
        #expect(sender.most <= OutboxClaim.defaultCap, "never more than the lane's cap at once")
    }

    @Test func theLeaseOfASendUnderWayIsRenewedSoNoOtherNodeClaimsIt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let store = RenewalWatchingStore(stores.outbox)
        let sender = HoldingSender()
        let dispatcher = OutboxDispatcher(
            store: store,
            senders: sender,
            clock: clock,
            settings: OutboxDispatcher.Settings(lease: .milliseconds(300), idleInterval: .milliseconds(5)),
            logger: Logger(label: "outbox")
        )
        let running = Task { try await dispatcher.run() }
        for _ in 0..<500 where !sender.isHolding { try await Task.sleep(for: .milliseconds(10)) }
        try #require(sender.isHolding)
        // Time passes in steps shorter than the lease, twice past the first lease's end; each
        // step, the dispatcher renews the lease from the new now.
        for _ in 0..<2 {
            clock.advance(by: .milliseconds(200))
            let wanted = clock.now().millisecondsSinceEpoch + 300
            for _ in 0..<500 where store.renewedUntil < wanted { try await Task.sleep(for: .milliseconds(10)) }
            #expect(store.renewedUntil >= wanted)
        }
        let other = try await stores.outbox.claim(OutboxClaim(limit: 10, now: clock.now(), lease: .seconds(3600)))
        #expect(other.isEmpty, "another node does not claim a message whose send is under way")
        sender.release()
        for _ in 0..<500 where try await onlyMessage(stores).status != .sent {
            try await Task.sleep(for: .milliseconds(10))
        }
        running.cancel()
        _ = await running.result
        let sent = try await onlyMessage(stores)
        #expect(sent.status == .sent)
        #expect(sent.attempts == 1)
    }
}

/// A sender whose sends wait until the test releases them; it counts the sends it holds at once.
final class HoldingSender: ChannelSender, SenderDirectory {
    private let state = Mutex((holding: 0, most: 0, released: false))

    var isHolding: Bool { state.withLock { $0.holding > 0 } }
    /// How many sends it holds now, and the most it held at once.
    var holding: Int { state.withLock { $0.holding } }
    var most: Int { state.withLock { $0.most } }
    func release() { state.withLock { $0.released = true } }

    func send(_ message: OutboxMessage) async -> SendOutcome {
        state.withLock {
            $0.holding += 1
            $0.most = max($0.most, $0.holding)
        }
        while !state.withLock({ $0.released }) { try? await Task.sleep(for: .milliseconds(5)) }
        state.withLock { $0.holding -= 1 }
        return .sent(providerMessageId: "SM-held")
    }

    func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup { .found(self) }
    func shutdown() async {}
}

/// An outbox store that notes the latest lease it renewed (a real store underneath).
final class RenewalWatchingStore: ForwardingOutboxStore {
    let inner: any OutboxStore
    private let latest = Mutex<Int64>(0)

    init(_ inner: any OutboxStore) { self.inner = inner }

    var renewedUntil: Int64 { latest.withLock { $0 } }

    func renewLeases(_ claims: [MessageClaim], now: Timestamp, lease: Duration) async throws -> Int {
        let renewed = try await inner.renewLeases(claims, now: now, lease: lease)
        let until = now.adding(lease).millisecondsSinceEpoch
        if renewed > 0 { latest.withLock { $0 = max($0, until) } }
        return renewed
    }
}
