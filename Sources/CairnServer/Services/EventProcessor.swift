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
        batchSize: Int = 1000,
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
        let events = try await store.pendingEvents(limit: batchSize)
        guard !events.isEmpty else { return 0 }
        var userIds: Set<IdentityKey> = []
        var anonymousIds: Set<IdentityKey> = []
        for event in events {
            if let userId = event.userId { userIds.insert(IdentityKey(event.tenant, userId)) }
            if let anonymousId = event.anonymousId { anonymousIds.insert(IdentityKey(event.tenant, anonymousId)) }
        }
        let profiles = try await store.profiles(userIds: userIds, anonymousIds: anonymousIds)
        let now = Timestamp.now()
        let result = ProfileProcessor.process(events, snapshot: ProfileSnapshot(profiles)) {
            EventID.make(at: now).description
        }
        try await store.commit(result, processedAt: now)
        return events.count
    }
}
