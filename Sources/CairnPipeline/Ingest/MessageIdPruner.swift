public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle

/// Forgets messageIds older than the de-duplication window, a slice at a time, so that the
/// table stays the size of the window's traffic.
public struct MessageIdPruner: Service {
    let store: any EventLogStore
    let window: Duration
    let interval: Duration
    let clock: any CairnClock
    let logger: Logger

    public init(
        store: any EventLogStore,
        window: Duration,
        interval: Duration = .seconds(60),
        clock: any CairnClock,
        logger: Logger
    ) {
        self.store = store
        self.window = window
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Rows deleted per transaction: small enough not to hold the writer long.
    static let sliceSize = 5000

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            await pruneExpired()
            // The wait ends early when the server shuts down.
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }

    public func pruneExpired() async {
        let cutoff = MessageDeduplication.cutoff(window: window, now: clock.now())
        do {
            while try await store.pruneMessageIds(seenBefore: cutoff, limit: Self.sliceSize) == Self.sliceSize,
                !Task.isCancelledOrShuttingDown
            {}
        } catch {
            logger.warning("pruning expired messageIds failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    fileprivate static var isCancelledOrShuttingDown: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}
