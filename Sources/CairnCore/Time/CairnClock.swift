import Foundation

/// Where Cairn reads the time and waits. Everything that stamps, expires, meters or waits goes
/// through it, so a test can hold time still or move it on with a manual clock instead of
/// sleeping, and drive background loops by moving time.
public protocol CairnClock: Sendable {
    /// The time of day: event times, receipts, expiries.
    func now() -> Timestamp
    /// Seconds since an arbitrary origin, never going back: rate limits, cache ages, busy windows,
    /// how long something took.
    func uptime() -> Double
    /// Waits for `duration` of this clock's time; throws `CancellationError` when the task is
    /// cancelled first.
    func sleep(for duration: Duration) async throws
}

extension CairnClock {
    /// The seconds elapsed since `start`, an earlier `uptime()` of this clock.
    public func seconds(since start: Double) -> Double {
        uptime() - start
    }
}

/// The machine's clocks: the system's wall clock and a monotonic clock.
public struct SystemClock: CairnClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public func uptime() -> Double {
        (ContinuousClock.now - Self.origin).seconds
    }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
