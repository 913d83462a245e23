import CairnCore

/// The durable log of accepted events.
public protocol EventLogStore: Sendable {
    /// Stores `entries` in one transaction; returns only once they are durable on disk.
    func append(_ entries: [EventLogEntry]) async throws
    /// The event `id` if it belongs to `tenant`; nil otherwise, whoever it belongs to.
    func event(id: EventID, tenant: Tenant) async throws -> StoredEvent?
    /// Events matching `query`, newest first.
    func events(matching query: EventQuery) async throws -> [StoredEvent]
}
