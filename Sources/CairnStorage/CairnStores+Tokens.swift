public import CairnCore

extension CairnStores {
    /// Stores a new API token; the brand it names exists from then on.
    public func insertToken(_ token: TokenRecord) async throws {
        try await tokens.insert(token)
        if let brandId = token.scope.brandId {
            let tenant = Tenant(clientId: token.scope.clientId, accountId: token.scope.accountId, brandId: brandId)
            try await brands.ensure([tenant], at: token.createdAt)
        }
    }
}
