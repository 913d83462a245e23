/// One event that passed its surface's rules, ready for the log: what the rules read from it,
/// the bytes to store, and the client's own id for de-duplication. Every surface (Track,
/// Segment, Salesmachine, a batch item of any of them) hands its events to the log in this form.
public struct IngestedEvent: Sendable, Hashable {
    public var event: ValidatedEvent
    /// The event's JSON as stored: the request body for a single call; for a batch item its
    /// own JSON with the batch's shared fields (`context`, …) merged beneath.
    public var body: [UInt8]
    /// Segment's `messageId`: the log keeps one event per id and write key within the window.
    public var messageId: String?

    public init(event: ValidatedEvent, body: [UInt8], messageId: String? = nil) {
        self.event = event
        self.body = body
        self.messageId = messageId
    }
}

/// What a surface's rules made of one request: the events to store, and for a batch whose
/// surface takes the good items of a partly bad batch (Segment's), the index and reason of
/// each item left out.
public struct IngestBatch: Sendable {
    public var accepted: [IngestedEvent]
    public var rejected: [BatchRejection.Item]

    public init(accepted: [IngestedEvent], rejected: [BatchRejection.Item] = []) {
        self.accepted = accepted
        self.rejected = rejected
    }
}
