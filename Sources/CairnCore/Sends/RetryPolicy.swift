/// How a message is retried after a transient failure: exponential backoff with full jitter
/// (a random wait between zero and `base × 2^(attempt−1)`, at most `cap`), up to `maxAttempts`.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseSeconds: Double
    public var capSeconds: Double

    public init(maxAttempts: Int = 5, baseSeconds: Double = 2, capSeconds: Double = 600) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseSeconds = max(0, baseSeconds)
        self.capSeconds = max(0, capSeconds)
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

    /// The wait before the next attempt: uniformly random up to the ceiling.
    public func delay(afterAttempts attempts: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let ceiling = ceiling(afterAttempts: attempts)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling, using: &generator)
    }
}
