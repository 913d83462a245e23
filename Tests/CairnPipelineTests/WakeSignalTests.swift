import CairnPipeline
import Testing

/// The outbox's wake-up: a ring ends a wait at once, a ring with no one waiting is kept for the
/// next wait, and a wait with no ring ends at its timeout or when cancelled.
@Suite struct WakeSignalTests {
    @Test func aRingBeforeTheWaitIsKeptForIt() async {
        let signal = WakeSignal()
        signal.ring()
        let started = ContinuousClock.now
        await signal.wait(upTo: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aRingWakesAWaiter() async {
        let signal = WakeSignal()
        let started = ContinuousClock.now
        async let woken: Void = signal.wait(upTo: .seconds(30))
        // Rung until the waiter has certainly taken one: a kept ring would end the wait just the same.
        let ringer = Task {
            while !Task.isCancelled {
                signal.ring()
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        await woken
        ringer.cancel()
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aWaitWithoutARingEndsAtItsTimeout() async {
        let signal = WakeSignal()
        let started = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(50))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    @Test func aCancelledWaitEnds() async {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(upTo: .seconds(30)) }
        waiting.cancel()
        let started = ContinuousClock.now
        await waiting.value
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
