public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle
import Synchronization

/// Group commit for the event log: requests hand their events to `append` and wait; one writer
/// task stores everything that arrived while the previous transaction was on disk in a single
/// transaction (one fsync), then answers every waiting request at once.
///
/// On graceful shutdown it stores what is queued, answers it, and stops taking more.
public final class EventLogWriter: Service, Sendable {
    private struct Pending {
        var entries: [EventLogEntry]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var stopping = false
        /// `CairnClock.uptime()` of the last write.
        var lastWriteAt: Double?
        /// Brands known to exist, so that each is created (with the defaults) once.
        var knownBrands: Set<Tenant> = []
    }

    public enum WriterError: Error, CustomStringConvertible {
        case stopped

        public var description: String { "the event log writer has stopped" }
    }

    private let store: any EventLogStore
    private let brands: (any BrandStore)?
    private let logger: Logger
    private let busyWindow: Double
    private let deduplicationWindow: Duration
    private let clock: any CairnClock
    private let metrics: CairnMetrics
    /// Rung when events are stored, so the processor takes them at once.
    private let eventsStored: WakeSignal?
    private let state = Mutex(State())

    /// `busyWindow`: how long after a write the writer still counts as busy.
    /// `deduplicationWindow`: how long a messageId keeps a later message with it out of the log.
    public init(
        store: any EventLogStore,
        brands: (any BrandStore)? = nil,
        busyWindow: Duration = .milliseconds(100),
        deduplicationWindow: Duration = MessageDeduplication.defaultWindow,
        clock: any CairnClock,
        metrics: CairnMetrics = .none,
        eventsStored: WakeSignal? = nil,
        logger: Logger
    ) {
        self.metrics = metrics
        self.eventsStored = eventsStored
        self.store = store
        self.brands = brands
        self.busyWindow = busyWindow.seconds
        self.clock = clock
        self.deduplicationWindow = deduplicationWindow
        self.logger = logger
    }

    /// Whether requests are being written now or were within `busyWindow`: the processor then takes
    /// small batches, so that it holds the database's single writer only briefly.
    public var isBusy: Bool {
        let now = clock.uptime()
        return state.withLock { state in
            guard state.queue.isEmpty else { return true }
            guard let last = state.lastWriteAt else { return false }
            return now - last < busyWindow
        }
    }

    /// Returns once `entries` are durably stored (or found to repeat a messageId within the
    /// de-duplication window, and dropped); throws if they could not be stored.
    public func append(_ entries: [EventLogEntry]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { state -> (accepted: Bool, wake: CheckedContinuation<Void, Never>?) in
                guard !state.stopping else { return (false, nil) }
                state.queue.append(Pending(entries: entries, continuation: continuation))
                let wake = state.wakeUp
                state.wakeUp = nil
                return (true, wake)
            }
            if outcome.accepted {
                outcome.wake?.resume()
            } else {
                continuation.resume(throwing: WriterError.stopped)
            }
        }
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await self.writeUntilStopped()
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    /// Stops taking new events; what is queued is still written.
    private func stop() {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopping = true
            let wake = state.wakeUp
            state.wakeUp = nil
            return wake
        }
        wake?.resume()
    }

    private func writeUntilStopped() async {
        while true {
            let now = clock.uptime()
            let (batch, stopping) = state.withLock { state in
                let batch = state.queue
                state.queue.removeAll(keepingCapacity: true)
                if !batch.isEmpty { state.lastWriteAt = now }
                return (batch, state.stopping)
            }
            if !batch.isEmpty {
                await write(batch)
                continue
            }
            if stopping { return }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.queue.isEmpty || state.stopping { return true }
                    state.wakeUp = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// A brand first seen through an event exists from then on, with the defaults. A failure here
    /// costs nothing but a later try: the events are stored all the same.
    private func ensureBrands(of entries: [EventLogEntry]) async {
        guard let brands else { return }
        // A batch nearly always holds one brand or a few: collected without hashing every entry,
        // and outside the lock that requests take to queue their events.
        var tenants: [Tenant] = []
        for entry in entries where tenants.last != entry.tenant && !tenants.contains(entry.tenant) {
            tenants.append(entry.tenant)
        }
        let unseen = state.withLock { state in Set(tenants.filter { !state.knownBrands.contains($0) }) }
        guard !unseen.isEmpty else { return }
        do {
            try await brands.ensure(unseen, at: clock.now())
            state.withLock { $0.knownBrands.formUnion(unseen) }
        } catch {
            logger.warning("brands not recorded", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func write(_ batch: [Pending]) async {
        var entries: [EventLogEntry] = []
        entries.reserveCapacity(batch.reduce(0) { $0 + $1.entries.count })
        for pending in batch { entries.append(contentsOf: pending.entries) }
        await ensureBrands(of: entries)
        let started = clock.uptime()
        var stored = false
        do {
            let duplicates = try await store.append(
                entries,
                duplicatesSince: MessageDeduplication.cutoff(window: deduplicationWindow, now: clock.now())
            )
            if !duplicates.isEmpty {
                logger.debug("duplicate messageIds dropped", metadata: ["events": "\(duplicates.count)"])
            }
            stored = true
            for pending in batch { pending.continuation.resume() }
            eventsStored?.ring()
        } catch {
            logger.error(
                "event log write failed",
                metadata: ["error": "\(String(reflecting: error))", "events": "\(entries.count)"]
            )
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
        metrics.groupCommit(events: entries.count, seconds: clock.seconds(since: started), stored: stored)
    }
}
