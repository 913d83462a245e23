/// Segment's correction for a device whose clock is wrong: the client stamps each message
/// (`timestamp`) and the request (`sentAt`) with the same wrong clock, so the time between them
/// is right, and the event happened that long before the server received the request.
public enum ClockSkew {
    /// `receivedAt - (sentAt - timestamp)`; `timestamp` itself when the client sent no `sentAt`.
    public static func corrected(timestamp: Timestamp, sentAt: Timestamp?, receivedAt: Timestamp) -> Timestamp {
        guard let sentAt else { return timestamp }
        let delay = sentAt.millisecondsSinceEpoch - timestamp.millisecondsSinceEpoch
        return Timestamp(millisecondsSinceEpoch: receivedAt.millisecondsSinceEpoch - delay)
    }
}
