/// What a token may reach: one account of one client, and within it every brand or just one.
public struct TokenScope: Sendable, Hashable, CustomStringConvertible {
    public var clientId: String
    public var accountId: String
    /// nil: every brand of the account.
    public var brandId: String?

    public init(clientId: String, accountId: String, brandId: String?) {
        self.clientId = clientId
        self.accountId = accountId
        self.brandId = brandId
    }

    public func covers(_ tenant: Tenant) -> Bool {
        tenant.clientId == clientId && tenant.accountId == accountId && (brandId == nil || brandId == tenant.brandId)
    }

    public var description: String { "\(clientId)/\(accountId)/\(brandId ?? "*")" }
}
