import Testing

@testable import CairnStorage

/// A pool's loans counted as they go: waiting, in use, over, and a caller that gives up waiting.
@Suite struct PoolUsageCounterTests {
    @Test func loansMoveFromWaitingToInUseToOver() {
        let counter = PoolUsageCounter(size: 4)
        let first = counter.begin()
        let second = counter.begin()
        #expect(counter.usage == PoolUsage(size: 4, waiting: 2))
        counter.start(first)
        #expect(counter.usage.inUse == 1)
        #expect(counter.usage.waiting == 1)
        #expect(counter.usage.acquisitions == 1)
        // The second gives up before it gets a connection; a late start changes nothing.
        counter.end(second)
        counter.start(second)
        counter.end(first)
        counter.end(first)
        let usage = counter.usage
        #expect(usage.inUse == 0)
        #expect(usage.waiting == 0)
        #expect(usage.acquisitions == 1)
        #expect(usage.waitSeconds >= 0)
    }
}
