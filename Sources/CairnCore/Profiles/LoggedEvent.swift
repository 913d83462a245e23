/// An event read back from the log for processing: the stored entry and its place in the log.
public struct LoggedEvent: Sendable, Hashable {
    /// Position in the log: the order events were received in.
    public var sequence: Int64
    public var entry: EventLogEntry

    public init(sequence: Int64, entry: EventLogEntry) {
        self.sequence = sequence
        self.entry = entry
    }
}

/// A reason an event failed in processing: a stable code and a sentence.
public struct EventError: Error, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public static let customerNotIdentified = EventError(
        code: "customer_not_identified",
        message: "The customer has not been identified: send an identify event with their userId before a command."
    )

    public static let processingFailed = EventError(
        code: "processing_failed",
        message: "The event could not be applied to the customer's profile after several attempts; it was set aside."
    )

    public static let unreadableBody = EventError(
        code: "unreadable_body",
        message: "The stored event body could not be read as JSON."
    )
}

/// What processing made of one event.
public struct EventOutcome: Sendable, Hashable {
    public var sequence: Int64
    public var status: EventStatus
    public var customerId: String?
    public var errors: [EventError]
    /// Whether the event's payload and the ids in it are to be erased (an event about a
    /// suppressed customer): only that it existed is kept.
    public var erased: Bool

    public init(sequence: Int64, status: EventStatus, customerId: String?, errors: [EventError], erased: Bool = false) {
        self.sequence = sequence
        self.status = status
        self.customerId = customerId
        self.errors = errors
        self.erased = erased
    }
}
