/// A stored admin token: the bearer token of the admin API. It holds the secret's hash, never
/// the secret itself, and carries no scope: an admin token administers every tenant.
public struct AdminTokenRecord: Sendable, Hashable {
    public var id: String
    /// What the token is for, as its creator called it.
    public var name: String?
    public var secretHash: [UInt8]
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: String, name: String?, secretHash: [UInt8], createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// A new admin token: the record to store and the secret to show its owner, once.
    public static func issue(name: String?, now: Timestamp) -> (record: AdminTokenRecord, secret: TokenSecret) {
        let secret = TokenSecret.generate(prefix: TokenSecret.adminPrefix)
        return (AdminTokenRecord(id: secret.id, name: name, secretHash: secret.hash, createdAt: now), secret)
    }
}
