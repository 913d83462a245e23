extension Timestamp {
    /// This time moved on by `duration` (back, for a negative one), to the millisecond.
    public func adding(_ duration: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + duration.milliseconds)
    }
}
