public import CairnCore

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
    /// Whether the events' stored bodies are read too (a list that shows only where events stand
    /// leaves them out: a page of large events would otherwise be read whole, for nothing).
    public var withBodies = true

    public init(tenant: Tenant) {
        self.tenant = tenant
    }
}
