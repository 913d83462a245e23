import CairnCore
import CairnStorage
import Logging
import ServiceLifecycle

/// Applies accepted events to customer profiles, batch by batch, in log order, one transaction
/// per batch. Everything it needs is in the database, so it resumes exactly where it stopped
/// after a crash or restart; an event already applied is never applied again.
public final class EventProcessor: Service, Sendable {
    private let store: any ProfileStore
    private let batchSize: Int
    private let idleDelay: Duration
    private let logger: Logger

    public init(
        store: any ProfileStore,
        batchSize: Int = 500,
        idleDelay: Duration = .milliseconds(20),
        logger: Logger
    ) {
        self.store = store
        self.batchSize = batchSize
        self.idleDelay = idleDelay
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await self.processBatch() == 0 { try await Task.sleep(for: self.idleDelay) }
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("event processing failed; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Processes one batch of waiting events; returns how many there were.
    @discardableResult
    public func processBatch() async throws -> Int {
        try await store.processPending(limit: batchSize) { events, snapshot in
            let now = Timestamp.now()
            return ProfileProcessor.process(events, snapshot: snapshot) { EventID.make(at: now).description }
        }
    }
}
