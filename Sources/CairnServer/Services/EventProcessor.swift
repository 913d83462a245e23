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
    private let retryDelay: Duration
    private let maxAttempts = 3
    private let ingestIsBusy: @Sendable () -> Bool
    private let logger: Logger

    public init(
        store: any ProfileStore,
        batchSize: Int = 1000,
        idleDelay: Duration = .milliseconds(20),
        retryDelay: Duration = .seconds(1),
        ingestIsBusy: @escaping @Sendable () -> Bool = { false },
        logger: Logger
    ) {
        self.store = store
        self.batchSize = batchSize
        self.idleDelay = idleDelay
        self.retryDelay = retryDelay
        self.ingestIsBusy = ingestIsBusy
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await self.processBatch() == 0 { try await Task.sleep(for: self.idleDelay) }
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error(
                        "event batch failed; retrying its events one by one",
                        metadata: ["error": "\(error)"]
                    )
                    do {
                        try await self.isolateFailure()
                    } catch is CancellationError {
                        return
                    } catch {
                        self.logger.error("event processing failed; retrying", metadata: ["error": "\(error)"])
                        try? await Task.sleep(for: self.retryDelay)
                    }
                }
            }
        }
    }

    /// After a failed batch: tries the first waiting event alone a few times, and if it still
    /// fails, marks it failed so that one bad event cannot hold up every event behind it.
    /// A failure that is not the event's (the database is away) fails the lookup below too,
    /// and the caller waits and retries.
    func isolateFailure() async throws {
        for attempt in 1...maxAttempts {
            do {
                try await process(limit: 1)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("event failed alone", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                if attempt < maxAttempts { try await Task.sleep(for: retryDelay) }
            }
        }
        guard let event = try await store.pendingEvents(limit: 1).first else { return }
        logger.error("setting an event aside as failed", metadata: ["eventId": "\(event.entry.id)"])
        try await store.fail(sequence: event.sequence, error: .processingFailed, at: .now())
    }

    /// Processes one batch of waiting events; returns how many there were.
    @discardableResult
    public func processBatch() async throws -> Int {
        // While requests wait on the same single-writer database, short transactions keep their latency down.
        try await process(limit: ingestIsBusy() ? min(batchSize, Self.busyBatchSize) : batchSize)
    }

    static let busyBatchSize = 100

    @discardableResult
    private func process(limit: Int) async throws -> Int {
        try await store.processPending(limit: limit) { events, snapshot in
            let now = Timestamp.now()
            return ProfileProcessor.process(events, snapshot: snapshot) { EventID.make(at: now).description }
        }
    }
}
