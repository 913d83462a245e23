/// How a message is retried after a transient failure: exponential backoff (`base × 2^(attempt−1)`,
/// at most `cap`) with jitter (a random wait between `steadyShare` of that ceiling and all of
/// it), up to `maxAttempts`. The defaults ride out a provider's outage of a day, as mail servers
/// do: 40 attempts, the first a minute after the failure, doubling to at most an hour apart,
/// spread over at least 25 hours (the steady three quarters of each wait) and about 30 on average.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseSeconds: Double
    public var capSeconds: Double
    /// The part of each wait's ceiling that is always waited (0: full jitter, 1: none).
    public var steadyShare: Double

    public init(maxAttempts: Int = 40, baseSeconds: Double = 60, capSeconds: Double = 3600, steadyShare: Double = 0.75)
    {
        self.maxAttempts = max(1, maxAttempts)
        self.baseSeconds = max(0, baseSeconds)
        self.capSeconds = max(0, capSeconds)
        self.steadyShare = min(1, max(0, steadyShare))
    }

    /// Whether a message that failed its `attempts`-th attempt may be tried again.
    public func allowsRetry(afterAttempts attempts: Int) -> Bool {
        attempts < maxAttempts
    }

    /// The longest wait before the attempt after `attempts` failed ones.
    public func ceiling(afterAttempts attempts: Int) -> Double {
        let doublings = max(0, min(attempts - 1, 30))
        return min(capSeconds, baseSeconds * Double(1 << doublings))
    }

    /// The wait before the next attempt: uniformly random between the steady share of the
    /// ceiling and the ceiling.
    public func delay(afterAttempts attempts: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let ceiling = ceiling(afterAttempts: attempts)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: (ceiling * steadyShare)...ceiling, using: &generator)
    }

    /// The shortest time from the first failure to the last attempt: the sum of every wait's
    /// steady share.
    public var shortestSpan: Double {
        (1..<maxAttempts).reduce(0) { $0 + ceiling(afterAttempts: $1) * steadyShare }
    }
}
