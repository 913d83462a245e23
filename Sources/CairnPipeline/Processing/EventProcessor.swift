public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle
import Synchronization

/// Applies accepted events to customer profiles, batch by batch, in log order, one transaction
/// per batch. Everything it needs is in the database, so it resumes exactly where it stopped
/// after a crash or restart; an event already applied is never applied again. Several workers
/// (and several nodes) may run on one PostgreSQL database: each batch claims a partition.
public final class EventProcessor: Service, Sendable {
    private let store: any ProcessingStore
    private let clock: any CairnClock
    private let metrics: CairnMetrics
    private let sends: SendPlanner
    /// Rung when a batch queued messages, so the outbox sends them at once.
    private let messagesQueued: WakeSignal?
    /// Rung by this node's event log writer: an idle worker waits for it (or `idleDelay`).
    private let eventsStored: WakeSignal?
    private let batchSize: Int
    private let idleDelay: Duration
    private let retryDelay: Duration
    private let maxAttempts = 3
    private let workers: Int
    private let ingestIsBusy: @Sendable () -> Bool
    private let logger: Logger

    public init(
        store: any ProcessingStore,
        clock: any CairnClock,
        metrics: CairnMetrics = .none,
        sends: SendContext = .none,
        messagesQueued: WakeSignal? = nil,
        eventsStored: WakeSignal? = nil,
        batchSize: Int = 1000,
        workers: Int = 1,
        idleDelay: Duration = .milliseconds(20),
        retryDelay: Duration = .seconds(1),
        ingestIsBusy: @escaping @Sendable () -> Bool = { false },
        logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.sends = SendPlanner(context: sends)
        self.messagesQueued = messagesQueued
        self.eventsStored = eventsStored
        self.batchSize = batchSize
        self.workers = max(1, workers)
        self.idleDelay = idleDelay
        self.retryDelay = retryDelay
        self.ingestIsBusy = ingestIsBusy
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<self.workers { group.addTask { await self.work() } }
            }
        }
    }

    /// One worker's loop. On PostgreSQL each worker claims its own partition of the log;
    /// on SQLite their transactions take turns.
    private func work() async {
        while !Task.isCancelled {
            do {
                if try await processBatch() == 0 { try await idle() }
            } catch is CancellationError {
                return
            } catch let refused as EventsRefused {
                logger.error(
                    "event batch refused; retrying its first event alone",
                    metadata: ["error": "\(String(reflecting: refused))"]
                )
                do {
                    try await isolate(refused)
                } catch is CancellationError {
                    return
                } catch {
                    await pause(after: error)
                }
            } catch {
                await pause(after: error)
            }
        }
    }

    /// Nothing waits: until this node stores events, or `idleDelay` (events other nodes stored).
    private func idle() async throws {
        guard let eventsStored else { return try await clock.sleep(for: idleDelay) }
        await eventsStored.wait(upTo: idleDelay)
        try Task.checkCancellation()
    }

    /// The database is away or busy: nothing is wrong with the events, so nothing is set aside.
    private func pause(after error: any Error) async {
        logger.error("event processing failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
        try? await clock.sleep(for: retryDelay)
    }

    /// After a refused batch: tries its first event alone a few times, and if it is still
    /// refused, marks it failed so that one bad event cannot hold up every event behind it.
    func isolate(_ refused: EventsRefused) async throws {
        var refused = refused
        for attempt in 1...maxAttempts {
            do {
                let queued = QueuedMessages()
                _ = try await store.processPending(
                    alone: refused.sequence,
                    processedAt: clock.now(),
                    apply: queued.noting(apply)
                )
                if queued.any { messagesQueued?.ring() }
                return
            } catch let again as EventsRefused {
                refused = again
                logger.warning(
                    "event refused alone",
                    metadata: ["attempt": "\(attempt)", "error": "\(String(reflecting: again))"]
                )
                if attempt < maxAttempts { try await clock.sleep(for: retryDelay) }
            }
        }
        logger.error("setting an event aside as failed", metadata: ["sequence": "\(refused.sequence)"])
        try await store.fail(sequence: refused.sequence, error: .processingFailed, at: clock.now())
    }

    /// Processes one batch of waiting events; returns how many there were.
    @discardableResult
    public func processBatch() async throws -> Int {
        // While requests wait on the same single-writer database, short transactions keep their latency down.
        try await process(limit: ingestIsBusy() ? min(batchSize, Self.busyBatchSize) : batchSize)
    }

    public static let busyBatchSize = 100

    @discardableResult
    private func process(limit: Int) async throws -> Int {
        let queued = QueuedMessages()
        let count = try await store.processPending(limit: limit, processedAt: clock.now(), apply: queued.noting(apply))
        if queued.any { messagesQueued?.ring() }
        return count
    }

    /// The pure processing of a batch (CairnCore's `ProfileProcessor`); new customers and messages get ids made now.
    private var apply: @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result {
        { [clock, metrics, sends] events, snapshot in
            let now = clock.now()
            let lag = events.map {
                Double(now.millisecondsSinceEpoch - $0.entry.receivedAt.millisecondsSinceEpoch) / 1000
            }
            metrics.processed(count: events.count, lagSeconds: lag)
            return ProfileProcessor.process(events, snapshot: snapshot, sends: sends, now: now) {
                EventID.make(at: now).description
            }
        }
    }
}

/// Whether a batch's processing made messages (noted as it applies; read once it is stored).
private final class QueuedMessages: Sendable {
    private let made = Mutex(false)

    var any: Bool { made.withLock { $0 } }

    func noting(
        _ apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) -> @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result {
        { events, snapshot in
            let result = apply(events, snapshot)
            if !result.messages.isEmpty { self.made.withLock { $0 = true } }
            return result
        }
    }
}
