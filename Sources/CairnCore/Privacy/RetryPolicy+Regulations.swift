extension RetryPolicy {
    /// How a regulation whose steps fail is taken up again: ten attempts, the waits between
    /// them doubling from up to 2 s to at most 5 minutes; past them it ends `failed`.
    public static let regulations = RetryPolicy(maxAttempts: 10, baseSeconds: 2, capSeconds: 300, steadyShare: 0)
}
