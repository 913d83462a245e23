public import CairnChannels
public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle
import Synchronization

/// Sends what the outbox holds. Claims due messages (on PostgreSQL, nodes share the outbox),
/// sends each through its brand's provider, and records the outcome: `sent`, queued again after
/// a transient failure (exponential backoff, full jitter), `failed` after a permanent one, `dead`
/// after the last attempt. Consent is checked again just before a marketing message leaves.
/// Claims go round the lanes (brands' channels) with due messages, and a lane has at most its cap
/// in flight across all nodes, so neither a backlog nor a slow provider holds up other brands.
/// An outcome is recorded however long the database takes (the lease renewed meanwhile), so a
/// message is sent again only when its node died. On shutdown it stops claiming and lets the
/// sends under way finish.
public final class OutboxDispatcher: Service, Sendable {
    public struct Settings: Sendable {
        public var retry: RetryPolicy
        /// How long a claim holds a message; a sender that dies leaves it to be sent again after
        /// this. Leases of sends under way are renewed every third of it.
        public var lease: Duration
        /// The most sends in flight on this node.
        public var concurrency: Int
        /// The most messages of one lane (a brand's channel) in flight at once across all nodes,
        /// unless its channel settings set `maxInFlight`.
        public var laneCap: Int
        /// How long an idle dispatcher waits before looking again (for retries that fell due, and
        /// messages other nodes queued); this node's processor and finished sends wake it sooner.
        public var idleInterval: Duration

        public init(
            retry: RetryPolicy = RetryPolicy(),
            lease: Duration = .seconds(120),
            concurrency: Int = 256,
            laneCap: Int = OutboxClaim.defaultCap,
            idleInterval: Duration = .seconds(1)
        ) {
            self.retry = retry
            self.lease = lease
            self.concurrency = max(1, concurrency)
            self.laneCap = max(1, laneCap)
            self.idleInterval = idleInterval
        }
    }

    private let store: any OutboxStore
    private let senders: any SenderDirectory
    private let clock: any CairnClock
    private let settings: Settings
    private let wake: WakeSignal
    private let metrics: CairnMetrics
    private let logger: Logger
    private let inFlight: Mutex<InFlightCounts>
    private let recorder: OutcomeRecorder
    /// The claims whose sends are under way, whose leases are renewed until they end.
    private let underWay = Mutex<Set<MessageClaim>>([])

    public init(
        store: any OutboxStore,
        senders: any SenderDirectory,
        clock: any CairnClock,
        settings: Settings = Settings(),
        wake: WakeSignal = WakeSignal(),
        metrics: CairnMetrics = .none,
        logger: Logger
    ) {
        self.store = store
        self.senders = senders
        self.clock = clock
        self.settings = settings
        self.wake = wake
        self.metrics = metrics
        self.logger = logger
        inFlight = Mutex(InFlightCounts(concurrency: settings.concurrency, defaultCap: settings.laneCap))
        recorder = OutcomeRecorder(store: store, clock: clock, logger: logger)
    }

    public func run() async throws {
        let renewal = Task { await self.renewLeases() }
        // A shutdown rings the idle wait, which then ends at once rather than at its timeout (the
        // clock's, which a test's manual clock may never reach); the loop then sees the shutdown.
        await withGracefulShutdownHandler {
            await self.dispatch()
        } onGracefulShutdown: {
            self.wake.ring()
        }
        renewal.cancel()
        await senders.shutdown()
    }

    /// Claims and sends until the node shuts down. A claim that took something is followed by
    /// another at once; one that took nothing waits on `wake` (a send ending, the processor).
    private func dispatch() async {
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                var claimed: [ClaimedMessage] = []
                if let limit = inFlight.withLock({ $0.nextClaim }) {
                    do {
                        claimed = try await store.claim(
                            OutboxClaim(
                                limit: limit,
                                now: clock.now(),
                                lease: settings.lease,
                                defaultCap: settings.laneCap,
                                maxAttempts: settings.retry.maxAttempts
                            )
                        )
                    } catch {
                        logger.error("outbox claim failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                for item in claimed {
                    let lane = BrandChannel(tenant: item.message.tenant, channel: item.message.channel)
                    let claim = MessageClaim(messageId: item.message.messageId, attempt: item.message.attempts)
                    inFlight.withLock { $0.started(lane, cap: item.laneCap) }
                    underWay.withLock { _ = $0.insert(claim) }
                    group.addTask {
                        await self.deliver(item)
                        self.underWay.withLock { _ = $0.remove(claim) }
                        if self.inFlight.withLock({ $0.finished(lane) }) { self.wake.ring() }
                    }
                }
                if claimed.isEmpty { await wake.wait(upTo: settings.idleInterval) }
            }
        }
    }

    /// Every third of a lease, extends the leases of the sends under way (and of outcomes still
    /// being recorded): a send slower than a lease is not claimed again meanwhile.
    private func renewLeases() async {
        let interval = settings.lease / 3
        while !Task.isCancelled {
            try? await clock.sleep(for: interval)
            let claims = Array(underWay.withLock { $0 })
            guard !claims.isEmpty, !Task.isCancelled else { continue }
            do {
                _ = try await store.renewLeases(claims, now: clock.now(), lease: settings.lease)
            } catch {
                logger.error(
                    "renewing the leases of sends under way failed",
                    metadata: ["error": "\(String(reflecting: error))"]
                )
            }
        }
    }

    /// Sends one claimed message and records what came of it.
    func deliver(_ claimed: ClaimedMessage) async {
        let message = claimed.message
        let started = clock.uptime()
        let outcome = await attempt(claimed)
        let record = record(of: outcome, for: message)
        metrics.sendAttempt(
            channel: message.channel.rawValue,
            outcome: Self.outcomeName(record),
            seconds: clock.uptime() - started
        )
        var effects: [OutcomeEffect] = []
        if case .permanent(_, let withdraws, let removes) = outcome {
            if withdraws, let withdrawal = withdrawConsent(message) { effects.append(withdrawal) }
            if removes, let device = claimed.device {
                effects.append(.removeDevice(deviceId: device.deviceId, address: device.address))
            }
        }
        await save(record, effects: effects, for: message)
    }

    /// One attempt: the customer not suppressed since, consent checked again for marketing, then
    /// the brand's sender.
    private func attempt(_ claimed: ClaimedMessage) async -> SendOutcome {
        let message = claimed.message
        if claimed.suppressed { return .permanent(.customerSuppressed, withdrawsConsent: false) }
        if message.purpose == .marketing,
            !(claimed.consent.map { ConsentRules.isSubscribed($0, channel: message.channel.rawValue) } ?? false)
        {
            return .permanent(.unsubscribed, withdrawsConsent: false)
        }
        if message.channel == .push, claimed.device == nil {
            return .permanent(.deviceRemoved, withdrawsConsent: false)
        }
        switch await senders.sender(for: message.tenant, channel: message.channel) {
        case .found(let sender):
            if let device = claimed.device { return await sender.send(message, to: device) }
            return await sender.send(message)
        case .unavailable(let outcome): return outcome
        }
    }

    /// What an attempt's outcome makes of the message: sent, queued again, failed or dead.
    private func record(of outcome: SendOutcome, for message: OutboxMessage) -> DeliveryRecord {
        switch outcome {
        case .sent(let providerMessageId):
            return .sent(providerMessageId: providerMessageId)
        case .permanent(let error, _, _):
            return .failed(error)
        case .unknown(let error):
            // Tried once more, since the provider may not have it; an unknown outcome right after
            // another ends it: trying on would send it again each time.
            if message.error?.code == error.code { return .failed(error) }
            return retry(after: error, for: message)
        case .transient(let error, let retryAfter):
            return retry(after: error, for: message, notBefore: retryAfter)
        }
    }

    /// Queued again after a backoff (and no sooner than the provider asked, `notBefore`), or
    /// `dead` after the last attempt.
    private func retry(
        after error: MessageError,
        for message: OutboxMessage,
        notBefore: Duration? = nil
    )
        -> DeliveryRecord
    {
        guard settings.retry.allowsRetry(afterAttempts: message.attempts) else { return .dead(error) }
        var generator = SystemRandomNumberGenerator()
        let wait = Duration.milliseconds(
            Int64(settings.retry.delay(afterAttempts: message.attempts, using: &generator) * 1000)
        )
        // A provider's wait counts up to the backoff's own cap (a Retry-After of a week is not kept).
        let asked = min(notBefore ?? .zero, .milliseconds(Int64(settings.retry.capSeconds * 1000)))
        return .retry(error, nextAttemptAt: clock.now().adding(max(wait, asked)))
    }

    /// Records the outcome with its effects, which commit with it (and only if it is saved).
    private func save(_ record: DeliveryRecord, effects: [OutcomeEffect], for message: OutboxMessage) async {
        let claim = MessageClaim(messageId: message.messageId, attempt: message.attempts)
        if await recorder.record(AttemptOutcome(claim: claim, record: record, effects: effects)) == false {
            logger.warning(
                "a message's claim ended before its outcome was recorded",
                metadata: ["messageId": "\(message.messageId)"]
            )
        }
    }

    /// The provider says the recipient opted out: their consent to the channel is withdrawn in
    /// the transaction that records the outcome (so no claim after it sends them marketing), with
    /// an identify in the log saying so, which shows on their timeline. Nil for a message with no
    /// userId (the identify could name no one).
    private func withdrawConsent(_ message: OutboxMessage) -> OutcomeEffect? {
        guard let userId = message.userId else { return nil }
        let entry = SystemEvents.withdrawal(
            tenant: message.tenant,
            userId: userId,
            channel: message.channel,
            reason: .providerOptOut,
            at: clock.now()
        )
        return .withdrawConsent(channel: message.channel, event: entry)
    }

    static func outcomeName(_ record: DeliveryRecord) -> String {
        switch record {
        case .sent: return "sent"
        case .retry: return "retry"
        case .failed: return "failed"
        case .dead: return "dead"
        }
    }
}
