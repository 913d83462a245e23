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

    public init(tenant: Tenant) {
        self.tenant = tenant
    }
}
