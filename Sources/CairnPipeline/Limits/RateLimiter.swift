public import CairnCore
import Synchronization

/// Per-token request budgets: one token bucket per token, sized from the token's own rate and
/// burst. It counts the requests it lets through, and takes those other nodes let through
/// when `RateLimitSync` reports them, so that a budget holds across nodes.
public final class RateLimiter: Sendable {
    private struct State {
        var buckets: [String: TokenBucket] = [:]
        /// Requests let through per token since this node started.
        var allowed: [String: Int64] = [:]
        /// Requests other nodes let through for tokens this node has not seen yet, and since when.
        var owed: [String: (count: Int64, since: Double)] = [:]
    }
    private let state = Mutex(State())
    private let clock: any CairnClock

    public init(clock: any CairnClock) {
        self.clock = clock
    }

    /// Takes one request from `token`'s bucket.
    public func take(for token: TokenRecord) -> TokenBucket.Decision {
        let now = clock.uptime()
        return state.withLock { state in
            var bucket = state.buckets[token.id] ?? Self.newBucket(for: token, owing: state.owed[token.id], now: now)
            state.owed[token.id] = nil
            if bucket.rate != token.rate || bucket.burst != token.burst {
                bucket = TokenBucket(rate: token.rate, burst: token.burst, now: now)
            }
            let decision = bucket.take(now: now)
            state.buckets[token.id] = bucket
            if case .allowed = decision { state.allowed[token.id, default: 0] += 1 }
            return decision
        }
    }

    /// Requests let through per token since this node started.
    public func allowedTotals() -> [String: Int64] {
        state.withLock { $0.allowed }
    }

    /// Takes requests other nodes let through from the tokens' buckets; for a token this node
    /// has not seen yet, they are owed by the bucket it will get.
    public func charge(_ requests: [String: Int64]) {
        let now = clock.uptime()
        state.withLock { state in
            for (tokenId, count) in requests where count > 0 {
                if state.buckets[tokenId] != nil {
                    state.buckets[tokenId]?.charge(Double(count), now: now)
                } else {
                    let owed = state.owed[tokenId]
                    state.owed[tokenId] = ((owed?.count ?? 0) + count, owed?.since ?? now)
                }
            }
        }
    }

    /// A full bucket, less what other nodes spent since `owing.since` (refilled from then on).
    private static func newBucket(
        for token: TokenRecord,
        owing: (count: Int64, since: Double)?,
        now: Double
    ) -> TokenBucket {
        guard let owing, owing.since <= now else { return TokenBucket(rate: token.rate, burst: token.burst, now: now) }
        var bucket = TokenBucket(rate: token.rate, burst: token.burst, now: owing.since)
        bucket.charge(Double(owing.count), now: owing.since)
        return bucket
    }
}
