import Foundation

/// Where Cairn reads the time. Everything that stamps, expires or meters reads it here, so a
/// test can hold time still or move it on with a manual clock instead of sleeping.
public protocol CairnClock: Sendable {
    /// The time of day: event times, receipts, expiries.
    func now() -> Timestamp
    /// Seconds since an arbitrary origin, never going back: rate limits, cache ages, busy windows.
    func uptime() -> Double
}

/// The machine's clocks: the system's wall clock and a monotonic clock.
public struct SystemClock: CairnClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public func uptime() -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - Self.origin).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
