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
/// At most `perBrand` of one brand's messages are in flight, so a slow provider cannot hold up
/// other brands. On shutdown it stops claiming and lets the sends under way finish.
public final class OutboxDispatcher: Service, Sendable {
    public struct Settings: Sendable {
        public var retry: RetryPolicy
        /// How long a claim holds a message; a sender that dies leaves it to be sent again after this.
        public var lease: Duration
        public var concurrency: Int
        public var perBrand: Int
        public var pollInterval: Duration

        public init(
            retry: RetryPolicy = RetryPolicy(),
            lease: Duration = .seconds(15 * 60),
            concurrency: Int = 64,
            perBrand: Int = 16,
            pollInterval: Duration = .milliseconds(50)
        ) {
            self.retry = retry
            self.lease = lease
            self.concurrency = max(1, concurrency)
            self.perBrand = max(1, perBrand)
            self.pollInterval = pollInterval
        }
    }

    private let store: any OutboxStore
    private let eventLog: any EventLogStore
    private let providers: ChannelProviders
    private let clock: any CairnClock
    private let settings: Settings
    private let metrics: CairnMetrics
    private let logger: Logger
    private let inFlight = Mutex<[Tenant: Int]>([:])

    public init(
        store: any OutboxStore,
        eventLog: any EventLogStore,
        providers: ChannelProviders,
        clock: any CairnClock,
        settings: Settings = Settings(),
        metrics: CairnMetrics = .none,
        logger: Logger
    ) {
        self.store = store
        self.eventLog = eventLog
        self.providers = providers
        self.clock = clock
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let (free, busy) = inFlight.withLock { counts in
                    (
                        settings.concurrency - counts.values.reduce(0, +),
                        Set(counts.filter { $0.value >= settings.perBrand }.keys)
                    )
                }
                let limit = min(free, settings.perBrand)
                var claimed: [ClaimedMessage] = []
                if limit > 0 {
                    do {
                        let now = clock.now()
                        claimed = try await store.claim(
                            limit: limit,
                            now: now,
                            leaseUntil: now.adding(settings.lease),
                            skipping: busy
                        )
                    } catch {
                        logger.error("outbox claim failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                for item in claimed {
                    let tenant = item.message.tenant
                    inFlight.withLock { $0[tenant, default: 0] += 1 }
                    group.addTask {
                        await self.deliver(item)
                        self.inFlight.withLock { counts in
                            counts[tenant, default: 1] -= 1
                            if counts[tenant] == 0 { counts[tenant] = nil }
                        }
                    }
                }
                if claimed.count < limit || limit == 0 { try? await Task.sleep(for: settings.pollInterval) }
            }
        }
        await providers.shutdown()
    }

    /// Sends one claimed message and records what came of it.
    func deliver(_ claimed: ClaimedMessage) async {
        let message = claimed.message
        let started = clock.uptime()
        let record: DeliveryRecord
        var withdraw = false
        if message.purpose == .marketing,
            !(claimed.consent.map { ConsentRules.isSubscribed($0, channel: message.channel.rawValue) } ?? false)
        {
            record = .failed(.unsubscribed)
        } else {
            switch await providers.sender(for: message.tenant, channel: message.channel) {
            case .failure(let error):
                record = error.code == "provider_unavailable" ? retryOrDead(message, error) : .failed(error)
            case .success(let sender):
                switch await sender.send(message) {
                case .sent(let providerMessageId):
                    record = .sent(providerMessageId: providerMessageId)
                case .transient(let error):
                    record = retryOrDead(message, error)
                case .permanent(let error, let withdrawsConsent):
                    record = .failed(error)
                    withdraw = withdrawsConsent
                }
            }
        }
        metrics.sendAttempt(
            channel: message.channel.rawValue,
            outcome: Self.outcomeName(record),
            seconds: clock.uptime() - started
        )
        await save(record, for: message)
        if withdraw { await withdrawConsent(message) }
    }

    private func retryOrDead(_ message: OutboxMessage, _ error: MessageError) -> DeliveryRecord {
        guard settings.retry.allowsRetry(afterAttempts: message.attempts) else { return .dead(error) }
        var generator = SystemRandomNumberGenerator()
        let wait = settings.retry.delay(afterAttempts: message.attempts, using: &generator)
        return .retry(error, nextAttemptAt: clock.now().adding(.milliseconds(Int64(wait * 1000))))
    }

    private func save(_ record: DeliveryRecord, for message: OutboxMessage) async {
        // The outcome must not be lost to a passing database error: the message would be sent again.
        for attempt in 1...5 {
            do {
                let saved = try await store.record(
                    record,
                    messageId: message.messageId,
                    attempt: message.attempts,
                    at: clock.now()
                )
                if !saved {
                    logger.warning(
                        "a message's claim ended before its outcome was recorded",
                        metadata: ["messageId": "\(message.messageId)"]
                    )
                }
                return
            } catch {
                logger.error(
                    "recording a message's outcome failed",
                    metadata: ["messageId": "\(message.messageId)", "attempt": "\(attempt)", "error": "\(error)"]
                )
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    /// The provider says the recipient opted out: their consent to the channel is withdrawn,
    /// through the log like any identify, so it shows on their timeline.
    private func withdrawConsent(_ message: OutboxMessage) async {
        guard let userId = message.userId else { return }
        let entry = SystemEvents.withdrawal(
            tenant: message.tenant,
            userId: userId,
            channel: message.channel,
            reason: .providerOptOut,
            at: clock.now()
        )
        do {
            try await eventLog.append([entry])
        } catch {
            logger.error(
                "withdrawing consent after a provider's opt-out failed",
                metadata: ["messageId": "\(message.messageId)", "error": "\(error)"]
            )
        }
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

extension Timestamp {
    func adding(_ duration: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(duration.seconds * 1000))
    }
}
