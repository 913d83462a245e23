import CairnCore
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

@testable import CairnPipeline

/// An in-memory ledger: stands in for the database in tests of the exchange logic alone (the
/// PostgreSQL ledger is tested with real nodes in cairnTests).
final class MemoryLedger: RateLimitLedger {
    private let rows = Mutex<[String: [String: (used: Int64, at: Int64)]]>([:])
    private let clock = Mutex<Int64>(1_000_000)
    let sent = Mutex<[[String: Int64]]>([])

    func exchange(node: String, totals: [String: Int64], since: Int64?) async throws -> RateLimitExchange {
        sent.withLock { $0.append(totals) }
        let now = clock.withLock { clock in
            clock += 250
            return clock
        }
        return rows.withLock { rows in
            for (token, used) in totals { rows[node, default: [:]][token] = (used, now) }
            var others: [String: [String: Int64]] = [:]
            for (other, tokens) in rows where other != node {
                for (token, row) in tokens where row.at >= since ?? .min {
                    others[other, default: [:]][token] = row.used
                }
            }
            return RateLimitExchange(others: others, now: now)
        }
    }

    func prune(before: Int64) async throws {}
}

@Suite struct RateLimitSyncTests {
    let token = TokenRecord.issue(
        scope: .init(clientId: "c", accountId: "a", brandId: "B"),
        rate: 1,
        burst: 5,
        now: EventFixtures.receivedAt
    ).0

    func allowed(_ limiter: RateLimiter, _ count: Int) -> Int {
        (0..<count).count { _ in
            if case .allowed = limiter.take(for: token) { return true }
            return false
        }
    }

    @Test func requestsAllowedOnOneNodeComeOffTheOthersBudget() async throws {
        let ledger = MemoryLedger()
        let (one, two) = (RateLimiter(clock: ManualClock()), RateLimiter(clock: ManualClock()))
        let syncOne = RateLimitSync(limiter: one, ledger: ledger, node: "one", logger: Logger(label: "one"))
        let syncTwo = RateLimitSync(limiter: two, ledger: ledger, node: "two", logger: Logger(label: "two"))
        #expect(allowed(two, 1) == 1)
        try await syncOne.exchange()
        try await syncTwo.exchange()
        #expect(allowed(one, 3) == 3)
        try await syncOne.exchange()
        try await syncTwo.exchange()
        // Node two spent 1 and learnt of node one's 3: one request of the burst of 5 is left.
        #expect(allowed(two, 5) == 1)
        // Repeating an exchange charges nothing twice.
        try await syncTwo.exchange()
        try await syncOne.exchange()
        try await syncTwo.exchange()
        // Node one learns of node two's 2 (1 + 1): 5 - 3 - 2 leaves nothing.
        #expect(allowed(one, 1) == 0)
        // Only totals that changed are sent again.
        #expect(ledger.sent.withLock { $0.last } == [:])
    }

    @Test func whatOtherNodesDidBeforeThisOneStartedIsNotCharged() async throws {
        let ledger = MemoryLedger()
        let (early, late) = (RateLimiter(clock: ManualClock()), RateLimiter(clock: ManualClock()))
        let syncEarly = RateLimitSync(limiter: early, ledger: ledger, node: "early", logger: Logger(label: "early"))
        #expect(allowed(early, 5) == 5)
        try await syncEarly.exchange()
        #expect(allowed(late, 1) == 1)
        let syncLate = RateLimitSync(limiter: late, ledger: ledger, node: "late", logger: Logger(label: "late"))
        try await syncLate.exchange()
        #expect(allowed(late, 5) == 4)
    }

    @Test func aTokenFirstSeenAfterOtherNodesSpentItStartsWithLess() async throws {
        let ledger = MemoryLedger()
        let (busy, idle) = (RateLimiter(clock: ManualClock()), RateLimiter(clock: ManualClock()))
        let syncBusy = RateLimitSync(limiter: busy, ledger: ledger, node: "busy", logger: Logger(label: "busy"))
        let syncIdle = RateLimitSync(limiter: idle, ledger: ledger, node: "idle", logger: Logger(label: "idle"))
        try await syncBusy.exchange()
        try await syncIdle.exchange()
        #expect(allowed(busy, 4) == 4)
        try await syncBusy.exchange()
        try await syncIdle.exchange()
        // The idle node never took a request with this token, yet its budget is spent elsewhere.
        #expect(allowed(idle, 5) == 1)
    }
}
