import CairnCore
import Synchronization

/// How often one unsubscribe link may be used: a token bucket per subject (brand, customer and
/// channel, so a link's old and new forms share one), by default 10 requests with one more
/// every 6 seconds (10 a minute). A person needs two (the page, then its button); mail
/// scanners that open links a few more; nobody needs more. Only links that verified reach it,
/// so it holds no more buckets than there are links in use, and drops those idle long enough to
/// be full again. The budget is this node's: nodes sharing a database each give the full budget.
final class UnsubscribeLimiter: Sendable {
    private struct Entry {
        var bucket: TokenBucket
        var usedAt: Double
    }

    let rate: Double
    let burst: Int
    /// Beyond this many buckets, those full again are dropped.
    private let pruneAbove: Int
    private let buckets = Mutex<[UnsubscribeSubject: Entry]>([:])

    init(rate: Double = 10.0 / 60.0, burst: Int = 10, pruneAbove: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.pruneAbove = pruneAbove
    }

    /// Takes one request from `subject`'s bucket at `now` (seconds of `CairnClock.uptime()`).
    func take(for subject: UnsubscribeSubject, now: Double) -> TokenBucket.Decision {
        let window = TokenBucket.window(rate: rate, burst: burst)
        return buckets.withLock { buckets in
            if buckets[subject] == nil, buckets.count >= pruneAbove {
                buckets = buckets.filter { now - $0.value.usedAt < window }
            }
            var entry =
                buckets[subject] ?? Entry(bucket: TokenBucket(rate: rate, burst: burst, now: now), usedAt: now)
            let decision = entry.bucket.take(now: now)
            entry.usedAt = now
            buckets[subject] = entry
            return decision
        }
    }
}
