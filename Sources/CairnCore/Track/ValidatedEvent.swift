/// What the rules read from one event body: enough to route, index and store it. The body
/// itself is kept as raw bytes beside it and parsed in full later, by the processor.
public struct ValidatedEvent: Sendable, Hashable {
    public var action: EventAction
    /// The track event name (`Product Added`, `send_sms`, …), or a page or screen's `name`.
    public var eventName: String?
    public var userId: String?
    public var anonymousId: String?
    /// The `timestamp` exactly as the client wrote it, when it wrote one.
    public var originalTimestamp: String?
    /// When the event happened: the parsed `timestamp`, or the receive time when absent.
    public var eventTime: Timestamp
    /// The command a track event carries, when its name is one. Not stored: an event read back
    /// from the log has nil here, and whoever needs it parses the body (`Command.parse`).
    public var command: Command?
    /// A group event's group (the account the customer belongs to).
    public var groupId: String?
    /// An alias event's earlier id of the person (an anonymousId or a former userId).
    public var previousId: String?

    public init(
        action: EventAction,
        eventName: String?,
        userId: String?,
        anonymousId: String?,
        originalTimestamp: String?,
        eventTime: Timestamp,
        command: Command?,
        groupId: String? = nil,
        previousId: String? = nil
    ) {
        self.action = action
        self.eventName = eventName
        self.userId = userId
        self.anonymousId = anonymousId
        self.originalTimestamp = originalTimestamp
        self.eventTime = eventTime
        self.command = command
        self.groupId = groupId
        self.previousId = previousId
    }
}
