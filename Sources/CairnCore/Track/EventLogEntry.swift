/// One accepted event as the log stores it: the raw body and the fields it is found by.
public struct EventLogEntry: Sendable, Hashable {
    public var id: EventID
    public var tenant: Tenant
    public var tokenId: String
    public var event: ValidatedEvent
    public var receivedAt: Timestamp
    /// The event's JSON exactly as stored (the request body for a single event).
    public var body: [UInt8]
    /// The client's own id for the message (Segment's `messageId`): the log keeps one event per
    /// id and write key within the de-duplication window. nil: never de-duplicated.
    public var messageId: String?

    public init(
        id: EventID,
        tenant: Tenant,
        tokenId: String,
        event: ValidatedEvent,
        receivedAt: Timestamp,
        body: [UInt8],
        messageId: String? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.tokenId = tokenId
        self.event = event
        self.receivedAt = receivedAt
        self.body = body
        self.messageId = messageId
    }
}

/// A logged event read back, with where it stands and what processing made of it.
public struct StoredEvent: Sendable, Hashable {
    public var entry: EventLogEntry
    public var status: EventStatus
    /// The customer the event was applied to, once processed.
    public var customerId: String?
    public var errors: [EventError]

    public init(entry: EventLogEntry, status: EventStatus, customerId: String? = nil, errors: [EventError] = []) {
        self.entry = entry
        self.status = status
        self.customerId = customerId
        self.errors = errors
    }
}
