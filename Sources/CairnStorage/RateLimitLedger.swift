/// Where the nodes sharing one database tell each other how many requests they let through for
/// each token, so that a token's budget holds across all of them. Counts are running totals
/// per node since it started, which makes an exchange safe to repeat or to miss.
public protocol RateLimitLedger: Sendable {
    /// Records `node`'s running totals (only tokens whose totals changed need be sent) and
    /// returns the totals other nodes recorded at or after `since` (a time of the ledger's own
    /// clock, from an earlier answer; nil: every row), with the ledger's time now.
    func exchange(node: String, totals: [String: Int64], since: Int64?) async throws -> RateLimitExchange

    /// Forgets the totals of nodes silent since `before` (a time of the ledger's clock).
    func prune(before: Int64) async throws
}

public struct RateLimitExchange: Sendable, Equatable {
    /// Each other node's running totals per token.
    public var others: [String: [String: Int64]]
    /// The ledger's clock when the exchange was answered, in milliseconds.
    public var now: Int64

    public init(others: [String: [String: Int64]], now: Int64) {
        self.others = others
        self.now = now
    }
}
