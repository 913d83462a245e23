import CairnStorage
import Logging
import ServiceLifecycle

/// Forgets messageIds older than the de-duplication window, a slice at a time, so that the
/// table stays the size of the window's traffic.
struct MessageIdPruner: Service {
    let store: any EventLogStore
    let window: Duration
    let interval: Duration
    let logger: Logger

    /// Rows deleted per transaction: small enough not to hold the writer long.
    static let sliceSize = 5000

    func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            await pruneExpired()
            // The wait ends early when the server shuts down.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func pruneExpired() async {
        let cutoff = MessageDeduplication.cutoff(window: window)
        do {
            while try await store.pruneMessageIds(seenBefore: cutoff, limit: Self.sliceSize) == Self.sliceSize,
                !Task.isCancelledOrShuttingDown
            {}
        } catch {
            logger.warning("pruning expired messageIds failed", metadata: ["error": "\(error)"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    fileprivate static var isCancelledOrShuttingDown: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}
