import CairnPipeline
import CairnTestFixtures
import Testing

/// The outbox's wake-up: a ring ends a wait at once, a ring with no one waiting is kept for the
/// next wait, and a wait with no ring ends at its timeout or when cancelled. The signal's timeouts
/// are on a manual clock, so a wait that ends without the test moving the clock was ended by a
/// ring or a cancellation, however slowly a loaded machine runs the test.
@Suite struct WakeSignalTests {
    let clock = ManualClock()

    /// Moves the clock past any timeout after a minute of real time, so a wait that only its
    /// timeout could end does end (a bound on a hang, not a measure of speed). Its value says
    /// whether it had to.
    func watchdog() -> Task<Bool, Never> {
        Task { [clock] in
            do { try await Task.sleep(for: .seconds(60)) } catch { return false }
            clock.advance(by: .seconds(3600))
            return true
        }
    }

    @Test func aRingBeforeTheWaitIsKeptForIt() async {
        let signal = WakeSignal(clock: clock)
        signal.ring()
        let timedOut = watchdog()
        await signal.wait(upTo: .seconds(30))
        timedOut.cancel()
        #expect(await timedOut.value == false, "the kept ring ended the wait, not its timeout")
    }

    @Test func aRingWakesAWaiter() async {
        let signal = WakeSignal(clock: clock)
        let timedOut = watchdog()
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
        timedOut.cancel()
        #expect(await timedOut.value == false, "a ring ended the wait, not its timeout")
    }

    @Test func aWaitWithoutARingEndsAtItsTimeout() async throws {
        let signal = WakeSignal(clock: clock)
        let waiting = Task { await signal.wait(upTo: .milliseconds(50)) }
        // The wait's timer sleeps on the clock; moving the clock past the timeout ends the wait.
        for _ in 0..<3000 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(clock.sleeping == 1)
        clock.advance(by: .milliseconds(49))
        #expect(clock.sleeping == 1, "not yet: 49 ms of 50")
        clock.advance(by: .milliseconds(1))
        await waiting.value
        #expect(signal.waiting == 0)
    }

    @Test func aCancelledWaitEnds() async {
        let signal = WakeSignal(clock: clock)
        let timedOut = watchdog()
        let waiting = Task { await signal.wait(upTo: .seconds(30)) }
        waiting.cancel()
        await waiting.value
        timedOut.cancel()
        #expect(await timedOut.value == false, "the cancellation ended the wait, not its timeout")
    }
}
