extension Duration {
    /// The duration in seconds, as a `CairnClock.uptime()` difference is.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
