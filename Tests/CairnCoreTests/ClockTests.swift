import CairnCore
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
}
