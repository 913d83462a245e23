/// What an event's time may be. A client's clock can be wrong, but not by years: a time more
/// than a day ahead of when Cairn received the event is refused (`timestamp_in_future`), so
/// that no event can pin a trait ("newest wins") or a profile's `lastSeen` to a year that has
/// not come. A time worked out from a skewed clock is first held within what an ISO-8601 year
/// of four digits can say.
public enum EventTimeRules {
    /// How far ahead of the receive time an event may be: a day, for clocks and time zones set wrong.
    public static let maxAheadMilliseconds: Int64 = 86_400_000
    /// 0001-01-01T00:00:00.000Z.
    public static let earliest = Timestamp(millisecondsSinceEpoch: -62_135_596_800_000)
    /// 9999-12-31T23:59:59.999Z.
    public static let latest = Timestamp(millisecondsSinceEpoch: 253_402_300_799_999)

    public static func clamped(_ time: Timestamp) -> Timestamp {
        min(max(time, earliest), latest)
    }

    public static func requireNotInFuture(_ time: Timestamp, receivedAt: Timestamp) throws(EventRejection) {
        guard time.millisecondsSinceEpoch - receivedAt.millisecondsSinceEpoch > maxAheadMilliseconds else { return }
        throw EventRejection(
            .timestampInFuture,
            "timestamp \(time.iso8601) is more than a day ahead of the time Cairn received the event "
                + "(\(receivedAt.iso8601)); check the client's clock."
        )
    }
}
