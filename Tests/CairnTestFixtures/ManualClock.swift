public import CairnCore
import Synchronization

/// A clock that stands still until a test moves it: timing logic (rate limits, windows, busy
/// spells, backoff) and background loops are tested by moving time on, never by sleeping. A
/// `sleep` on it returns once `advance` has moved its uptime past the sleeper's deadline.
public final class ManualClock: CairnClock {
    private struct Sleeper {
        /// The uptime it wakes at, in whole nanoseconds (exact, unlike a sum of seconds).
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        /// In whole nanoseconds, so that steps add up exactly to a sleeper's deadline.
        var uptime: Int64
        var sleepers: [Int: Sleeper] = [:]
        var nextSleeper = 0
        /// Sleepers whose task was cancelled before they were registered.
        var cancelledEarly: Set<Int> = []
    }
    private let state: Mutex<State>

    /// Starts at `start` (2026-01-01T00:00:00Z unless told), with 1,000 seconds of uptime.
    public init(start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)) {
        state = Mutex(State(now: start, uptime: 1_000_000_000_000))
    }

    public func now() -> Timestamp { state.withLock { $0.now } }
    public func uptime() -> Double { Double(state.withLock { $0.uptime }) / 1e9 }

    /// How many tasks are sleeping on this clock now: a test waits for a loop to reach its sleep
    /// before it moves time on.
    public var sleeping: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextSleeper += 1 }
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    if duration <= .zero { return .success(()) }
                    state.sleepers[id] = Sleeper(
                        deadline: state.uptime + duration.nanoseconds,
                        continuation: continuation
                    )
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelledEarly.insert(id)
                    return Sleeper?.none
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        // A sleeper that finished without the cancellation handler finding it leaves no mark.
        _ = state.withLock { $0.cancelledEarly.remove(id) }
    }

    /// Moves both clocks on by `duration`, waking every sleeper whose deadline it reaches.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state in
            state.now = state.now.adding(duration)
            state.uptime += duration.nanoseconds
            let due = state.sleepers.filter { $0.value.deadline <= state.uptime }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }
}
