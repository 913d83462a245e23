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

    /// What is wrong with the request, if anything: a stable code, the field at fault and a sentence.
    public var problem: (code: String, field: String, message: String)? {
        for (field, value) in [("client", scope.clientId), ("account", scope.accountId), ("brand", scope.brandId)] {
            guard let value, !TenantIdGrammar.isValid(value) else { continue }
            return ("invalid_id", field, TenantIdGrammar.rule(for: field))
        }
        guard rate.isFinite, (TokenDefaults.rates).contains(rate) else {
            return ("invalid_rate", "rate", "rate must be a number of requests a second from 0.001 to 1000000.")
        }
        guard burst > 0, burst <= 1_000_000 else {
            return ("invalid_burst", "burst", "burst must be a whole number from 1 to 1000000.")
        }
        return nil
    }
}
