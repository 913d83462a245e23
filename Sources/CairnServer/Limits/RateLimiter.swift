import CairnCore
import HTTPTypes
import Hummingbird
import Synchronization

/// Per-token request budgets: one token bucket per token, sized from the token's own rate and
/// burst. It counts the requests it lets through, and takes those other nodes let through
/// when `RateLimitSync` reports them, so that a budget holds across nodes.
final class RateLimiter: Sendable {
    private struct State {
        var buckets: [String: TokenBucket] = [:]
        /// Requests let through per token since this node started.
        var allowed: [String: Int64] = [:]
        /// Requests other nodes let through for tokens this node has not seen yet, and since when.
        var owed: [String: (count: Int64, since: Double)] = [:]
    }
    private let state = Mutex(State())

    /// Takes one request from `token`'s bucket.
    func take(for token: TokenRecord, now: Double = MonotonicClock.seconds()) -> TokenBucket.Decision {
        state.withLock { state in
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
    func allowedTotals() -> [String: Int64] {
        state.withLock { $0.allowed }
    }

    /// Takes requests other nodes let through from the tokens' buckets; for a token this node
    /// has not seen yet, they are owed by the bucket it will get.
    func charge(_ requests: [String: Int64], now: Double = MonotonicClock.seconds()) {
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

/// The `RateLimit-Policy` and `RateLimit` headers (IETF httpapi rate-limit headers draft) and `Retry-After`.
enum RateLimitHeaders {
    // Valid field names as literals: the initializers cannot fail.
    static let policy = HTTPField.Name("RateLimit-Policy")!
    static let state = HTTPField.Name("RateLimit")!

    static func fields(for token: TokenRecord, decision: TokenBucket.Decision) -> HTTPFields {
        let window = Int(max(1, TokenBucket.window(rate: token.rate, burst: token.burst).rounded(.up)))
        var fields: HTTPFields = [policy: "\"token\";q=\(token.burst);w=\(window)"]
        switch decision {
        case .allowed(let remaining):
            let reset = remaining > 0 ? 0 : Int(max(1, (1 / token.rate).rounded(.up)))
            fields[state] = "\"token\";r=\(remaining);t=\(reset)"
        case .limited(let retryAfter):
            let seconds = Int(max(1, retryAfter.rounded(.up)))
            fields[state] = "\"token\";r=0;t=\(seconds)"
            fields[.retryAfter] = String(seconds)
        }
        return fields
    }
}
