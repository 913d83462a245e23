/// A token bucket: holds up to `burst` tokens, refills at `rate` tokens a second, and each
/// request takes one. Time is passed in (seconds on any monotonic clock), so it is a pure value.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Int
    private var tokens: Double
    private var updatedAt: Double

    public init(rate: Double, burst: Int, now: Double) {
        precondition(rate > 0 && burst > 0, "a token bucket needs a positive rate and burst")
        self.rate = rate
        self.burst = burst
        self.tokens = Double(burst)
        self.updatedAt = now
    }

    public enum Decision: Sendable, Hashable {
        /// Allowed; `remaining` requests could follow at once.
        case allowed(remaining: Int)
        /// Refused; a token is next available after `retryAfter` seconds.
        case limited(retryAfter: Double)
    }

    public mutating func take(now: Double) -> Decision {
        refill(now: now)
        // A hair of tolerance: refills summed in binary floating point fall just short of whole tokens.
        if tokens >= 1 - 1e-9 {
            tokens = max(0, tokens - 1)
            return .allowed(remaining: Int(tokens))
        }
        return .limited(retryAfter: (1 - tokens) / rate)
    }

    /// Takes `count` requests made elsewhere (on other nodes sharing the budget). The bucket
    /// may go below zero, down to minus its burst: the requests over the budget are paid back
    /// before this bucket allows more.
    public mutating func charge(_ count: Double, now: Double) {
        refill(now: now)
        tokens = max(-Double(burst), tokens - count)
    }

    /// Seconds until the bucket is full again (the window of the RateLimit-Policy header).
    public var window: Double { Self.window(rate: rate, burst: burst) }

    public static func window(rate: Double, burst: Int) -> Double { Double(burst) / rate }

    private mutating func refill(now: Double) {
        let elapsed = now - updatedAt
        if elapsed > 0 {
            tokens = min(Double(burst), tokens + elapsed * rate)
            updatedAt = now
        }
    }
}
