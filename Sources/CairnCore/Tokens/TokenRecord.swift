/// A stored API token. It holds the secret's hash, never the secret itself.
public struct TokenRecord: Sendable, Hashable {
    public var id: String
    public var scope: TokenScope
    public var secretHash: [UInt8]
    /// Requests per second the token's bucket refills with.
    public var rate: Double
    /// The most requests the token may make at once.
    public var burst: Int
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(
        id: String,
        scope: TokenScope,
        secretHash: [UInt8],
        rate: Double,
        burst: Int,
        createdAt: Timestamp,
        revokedAt: Timestamp?
    ) {
        self.id = id
        self.scope = scope
        self.secretHash = secretHash
        self.rate = rate
        self.burst = burst
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// The limits a new token gets unless told otherwise: the spec's 100 requests a second with a burst of 500.
public enum TokenDefaults {
    public static let rate: Double = 100
    public static let burst = 500
    /// The rates a token may be given, in requests a second: slower than one request in about
    /// 17 minutes is no use, and the bounds keep every rate-limit header a small whole number.
    public static let rates: ClosedRange<Double> = 0.001...1_000_000
}
