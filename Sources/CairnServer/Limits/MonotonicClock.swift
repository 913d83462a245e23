/// Seconds on a monotonic clock, for rate limits and cache ages.
enum MonotonicClock {
    private static let origin = ContinuousClock.now

    static func seconds() -> Double {
        let elapsed = ContinuousClock.now - origin
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
