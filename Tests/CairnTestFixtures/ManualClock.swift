public import CairnCore
import Synchronization

/// A clock that stands still until a test moves it: timing logic (rate limits, windows, busy
/// spells, backoff) is tested by moving time on, never by sleeping.
public final class ManualClock: CairnClock {
    private struct State {
        var now: Timestamp
        var uptime: Double
    }
    private let state: Mutex<State>

    /// Starts at `start` (2026-01-01T00:00:00Z unless told), with 1,000 seconds of uptime.
    public init(start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)) {
        state = Mutex(State(now: start, uptime: 1000))
    }

    public func now() -> Timestamp { state.withLock { $0.now } }
    public func uptime() -> Double { state.withLock { $0.uptime } }

    /// Moves both clocks on by `duration`.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        state.withLock { state in
            state.now = Timestamp(millisecondsSinceEpoch: state.now.millisecondsSinceEpoch + milliseconds)
            state.uptime += Double(seconds) + Double(attoseconds) / 1e18
        }
    }
}
