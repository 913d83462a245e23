/// What a new API token is asked for, from the CLI or the admin API, and the one set of checks
/// both make before issuing it.
public struct TokenRequest: Sendable, Hashable {
    public var scope: TokenScope
    public var rate: Double
    public var burst: Int

    public init(scope: TokenScope, rate: Double = TokenDefaults.rate, burst: Int = TokenDefaults.burst) {
        self.scope = scope
        self.rate = rate
        self.burst = burst
    }

    /// What is wrong with the request, if anything: the field at fault and a sentence.
    public var problem: (field: String, message: String)? {
        for (field, value) in [("client", scope.clientId), ("account", scope.accountId), ("brand", scope.brandId)] {
            guard let value else { continue }
            if value.isEmpty || value.contains("/")
                || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                return (field, "\(field) must be a non-empty id without '/' or control characters.")
            }
        }
        guard rate.isFinite, (TokenDefaults.rates).contains(rate) else {
            return ("rate", "rate must be a number of requests a second from 0.001 to 1000000.")
        }
        guard burst > 0, burst <= 1_000_000 else { return ("burst", "burst must be a whole number from 1 to 1000000.") }
        return nil
    }
}
