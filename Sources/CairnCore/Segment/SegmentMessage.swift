/// One message accepted from the Segment HTTP API: the fields the log indexes, and the bytes it stores.
public struct SegmentMessage: Sendable {
    public var event: ValidatedEvent
    /// The message as stored: for a batch item, its own JSON with the batch's `context` merged beneath.
    public var body: [UInt8]
    public var messageId: String?

    public init(event: ValidatedEvent, body: [UInt8], messageId: String?) {
        self.event = event
        self.body = body
        self.messageId = messageId
    }
}
