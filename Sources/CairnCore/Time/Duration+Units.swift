/// A `Duration` read in the units Cairn's storage, metrics and NIO settings use: the one place
/// where a duration's `components` are turned into plain numbers.
extension Duration {
    /// The duration in seconds, as a `CairnClock.uptime()` difference is.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The whole milliseconds of the duration (rounded towards zero).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The whole nanoseconds of the duration (rounded towards zero).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
