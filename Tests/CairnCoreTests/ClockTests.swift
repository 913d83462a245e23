import CairnCore
import CairnTestFixtures
import Foundation
import Testing

@Suite struct ClockTests {
    @Test func theSystemClockReadsTheWallClock() {
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let now = SystemClock().now().millisecondsSinceEpoch
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect((before...after).contains(now))
    }

    @Test func theSystemClocksUptimeNeverGoesBack() {
        let clock = SystemClock()
        var last = clock.uptime()
        for _ in 0..<1000 {
            let next = clock.uptime()
            #expect(next >= last)
            last = next
        }
    }

    @Test func durationsReadInEachUnit() {
        let duration = Duration.seconds(2) + .milliseconds(345) + .nanoseconds(678)
        #expect(duration.milliseconds == 2345)
        #expect(duration.nanoseconds == 2_345_000_678)
        #expect(abs(duration.seconds - 2.345_000_678) < 1e-12)
        #expect((Duration.zero - .milliseconds(1500)).milliseconds == -1500)
    }

    @Test func aTimestampMovesOnOrBackByADuration() {
        let time = Timestamp(millisecondsSinceEpoch: 1_000_000)
        #expect(time.adding(.seconds(90)).millisecondsSinceEpoch == 1_090_000)
        #expect(time.adding(.zero - .milliseconds(250)).millisecondsSinceEpoch == 999_750)
    }

    @Test func aManualClocksSleeperWakesOnlyWhenTimeReachesItsDeadline() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        for _ in 0..<500 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(clock.sleeping == 1)
        clock.advance(by: .seconds(9))
        #expect(clock.sleeping == 1, "nine seconds are not ten")
        clock.advance(by: .seconds(1))
        #expect(clock.sleeping == 0)
        try await sleeper.value
    }

    @Test func stepsThatAddUpToASleepersDeadlineWakeIt() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .milliseconds(100)) }
        for _ in 0..<500 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(clock.sleeping == 1)
        // 0.05 + 0.05 in Double seconds falls short of 0.1 past 1000; whole nanoseconds do not.
        clock.advance(by: .milliseconds(50))
        clock.advance(by: .milliseconds(50))
        #expect(clock.sleeping == 0)
        try await sleeper.value
    }

    @Test func aCancelledSleeperThrowsAndIsForgotten() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        for _ in 0..<500 where clock.sleeping == 0 { try await Task.sleep(for: .milliseconds(5)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeping == 0)
    }

    @Test func theSystemClockSleepsAndMeasures() async throws {
        let clock = SystemClock()
        let start = clock.uptime()
        try await clock.sleep(for: .milliseconds(20))
        #expect(clock.seconds(since: start) >= 0.02)
    }
}
