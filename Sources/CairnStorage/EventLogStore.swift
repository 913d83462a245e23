public import CairnCore

/// The durable log of accepted events.
public protocol EventLogStore: Sendable {
    /// Stores `entries` in one transaction; returns only once they are durable on disk.
    ///
    /// An entry with a `messageId` that its token already used at or after `duplicatesSince` is
    /// a duplicate: it is not stored, and its id is returned. An older use has expired and no
    /// longer counts.
    @discardableResult
    func append(_ entries: [EventLogEntry], duplicatesSince: Timestamp) async throws -> [EventID]
    /// Forgets up to `limit` messageIds last used before `seenBefore`; returns how many.
    func pruneMessageIds(seenBefore: Timestamp, limit: Int) async throws -> Int
    /// The event `id` if it belongs to `tenant`; nil otherwise, whoever it belongs to.
    func event(id: EventID, tenant: Tenant) async throws -> StoredEvent?
    /// Events matching `query`, newest first.
    func events(matching query: EventQuery) async throws -> [StoredEvent]
    /// Whether events the brand received before `time` still wait for the processor (an erasure
    /// waits for them: processed afterwards, they would bring the customer back).
    func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool
}

/// How long a messageId counts: Segment's 7 days unless configured otherwise.
public enum MessageDeduplication {
    public static let defaultWindow: Duration = .seconds(7 * 24 * 3600)

    /// The earliest use of a messageId that still makes a new message with it a duplicate.
    public static func cutoff(window: Duration, now: Timestamp) -> Timestamp {
        now.adding(.zero - window)
    }
}

extension EventLogStore {
    /// Appends with the default de-duplication window, counted back from the entries' latest receipt.
    @discardableResult
    public func append(_ entries: [EventLogEntry]) async throws -> [EventID] {
        let now = entries.map(\.receivedAt).max() ?? Timestamp(millisecondsSinceEpoch: 0)
        return try await append(
            entries,
            duplicatesSince: MessageDeduplication.cutoff(window: MessageDeduplication.defaultWindow, now: now)
        )
    }
}
