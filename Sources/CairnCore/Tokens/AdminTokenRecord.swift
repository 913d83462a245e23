/// A stored admin token: the bearer token of the admin API. It holds the secret's hash, never
/// the secret itself. A global token (no `brand`) administers every tenant; a brand's token
/// administers that brand only (its assets, channels, messages, regulations and API tokens).
public struct AdminTokenRecord: Sendable, Hashable {
    public var id: String
    /// What the token is for, as its creator called it.
    public var name: String?
    /// The one brand the token administers; nil for every brand.
    public var brand: Tenant?
    public var secretHash: [UInt8]
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(
        id: String,
        name: String?,
        brand: Tenant? = nil,
        secretHash: [UInt8],
        createdAt: Timestamp,
        revokedAt: Timestamp? = nil
    ) {
        self.id = id
        self.name = name
        self.brand = brand
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Whether the token administers every brand (and so admin tokens themselves).
    public var isGlobal: Bool { brand == nil }

    /// Whether the token may administer `tenant`.
    public func administers(_ tenant: Tenant) -> Bool { brand == nil || brand == tenant }

    /// Whether the token may manage API tokens of `scope`: a brand's admin token only those
    /// for exactly its brand (not for its whole account).
    public func administers(_ scope: TokenScope) -> Bool {
        guard let brand else { return true }
        return scope.clientId == brand.clientId && scope.accountId == brand.accountId && scope.brandId == brand.brandId
    }

    /// The brand of stored ids: all three for a brand's token, none for a global one. Some but not
    /// all cannot be a token Cairn made: read as a brand no path can name, so it reaches nothing
    /// (never as a global token).
    public static func storedBrand(client: String?, account: String?, brand: String?) -> Tenant? {
        switch (client, account, brand) {
        case (nil, nil, nil): return nil
        case (let client?, let account?, let brand?):
            return Tenant(clientId: client, accountId: account, brandId: brand)
        default: return Tenant(clientId: "", accountId: "", brandId: "")
        }
    }

    /// A new admin token: the record to store and the secret to show its owner, once.
    public static func issue(
        name: String?,
        brand: Tenant? = nil,
        now: Timestamp
    ) -> (record: AdminTokenRecord, secret: TokenSecret) {
        let secret = TokenSecret.generate(prefix: TokenSecret.adminPrefix)
        return (
            AdminTokenRecord(id: secret.id, name: name, brand: brand, secretHash: secret.hash, createdAt: now), secret
        )
    }
}
