/// The client, account and brand that own a piece of data. Every read and write is scoped to one.
public struct Tenant: Sendable, Hashable, CustomStringConvertible {
    public var clientId: String
    public var accountId: String
    public var brandId: String

    public init(clientId: String, accountId: String, brandId: String) {
        self.clientId = clientId
        self.accountId = accountId
        self.brandId = brandId
    }

    public var description: String { "\(clientId)/\(accountId)/\(brandId)" }
}
