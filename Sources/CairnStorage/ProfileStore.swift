import CairnCore

/// Customer profiles, and the processing state of the event log that builds them.
public protocol ProfileStore: Sendable {
    /// In one transaction: reads up to `limit` waiting events in log order and the profiles they
    /// may touch, lets `apply` work out the changes, and stores them with each event's outcome.
    /// A store shared by several processors may take fewer than `limit` events although more
    /// are waiting (one partition's, up to where another's earlier events must go first); it
    /// returns 0 only when no waiting event can be processed now.
    /// Returns how many events were processed (0 when none were waiting). Throws
    /// `EventsRefused` when the events themselves cannot be stored.
    func processPending(
        limit: Int,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int
    /// Processes one event alone: the oldest waiting event of the part of the log `sequence` is
    /// in (that event, unless it was processed meanwhile). For isolating the event that made a
    /// batch fail with `EventsRefused`, which this throws too when the event fails alone.
    func processPending(
        alone sequence: Int64,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int
    /// Marks one waiting event `failed` without applying it (for an event that cannot be processed).
    func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws

    /// Accepted, unprocessed events in log order; at most `limit`.
    func pendingEvents(limit: Int) async throws -> [LoggedEvent]
    /// Every profile known by one of these userIds or anonymousIds.
    func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile]
    /// Stores a processed batch in one transaction: profiles, joins and event outcomes. Throws
    /// (storing nothing) if any of the events is no longer waiting, so no event applies twice.
    func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws

    /// The group (account) `groupId` as group calls left it.
    func group(groupId: String, tenant: Tenant) async throws -> GroupProfile?
    func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile?
    func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile?
    /// Every profile whose `email` trait is `email` (several customers may share one).
    func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile]
    /// The customer's events, newest first.
    func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent]
}

/// A filter over the event log for the Events API; nil fields do not filter.
public struct EventQuery: Sendable, Hashable {
    public var tenant: Tenant
    public var userId: String?
    public var eventName: String?
    public var status: EventStatus?
    /// Event time bounds, inclusive start and exclusive end.
    public var start: Timestamp?
    public var end: Timestamp?
    public var from = 0
    public var size = 20

    public init(tenant: Tenant) {
        self.tenant = tenant
    }
}
