public import CairnCore
import Synchronization

/// Wakes waiting workers without their polling the database: the event log writer rings the
/// processor when it stores events, the processor rings the outbox when it queues messages, a
/// finished send rings the outbox when it frees a slot. A ring wakes every waiter; a ring while
/// no one waits is kept for the next wait.
public final class WakeSignal: Sendable {
    private struct State {
        var rung = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var lastWait = 0
        /// Waits numbered but not yet waiting, and those of them whose time already ran out (or
        /// that were cancelled).
        var starting: Set<Int> = []
        var ended: Set<Int> = []
    }

    private let state = Mutex(State())
    private let clock: any CairnClock

    /// `clock` times the waits' timeouts.
    public init(clock: any CairnClock = SystemClock()) {
        self.clock = clock
    }

    /// How many waits are waiting now (for tests that must know a worker went idle).
    package var waiting: Int { state.withLock { $0.waiters.count } }

    public func ring() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.rung = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once rung (at once if rung while no one waited), after `timeout`, or when cancelled.
    public func wait(upTo timeout: Duration) async {
        let number = state.withLock { state -> Int? in
            if state.rung {
                state.rung = false
                return nil
            }
            state.lastWait += 1
            state.starting.insert(state.lastWait)
            return state.lastWait
        }
        guard let number else { return }
        let timer = Task {
            try? await self.clock.sleep(for: timeout)
            self.end(number)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let endedAlready = state.withLock { state -> Bool in
                    state.starting.remove(number)
                    if state.ended.remove(number) != nil || state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiters[number] = continuation
                    return false
                }
                if endedAlready { continuation.resume() }
            }
        } onCancel: {
            self.end(number)
        }
        timer.cancel()
    }

    /// Ends wait `number` (its time is up, or it was cancelled), whether or not it has begun waiting.
    private func end(_ number: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: number) { return waiter }
            // Not waiting: not yet begun (then it must not begin), or already woken by a ring.
            if state.starting.contains(number) { state.ended.insert(number) }
            return nil
        }
        waiter?.resume()
    }
}
