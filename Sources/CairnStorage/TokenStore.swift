public import CairnCore

/// API tokens. Only hashes of secrets are kept.
public protocol TokenStore: Sendable {
    func insert(_ token: TokenRecord) async throws
    func token(id: String) async throws -> TokenRecord?
    /// Every token, oldest first.
    func list() async throws -> [TokenRecord]
    /// Marks the token revoked; false when there is no such token or it was already revoked.
    func revoke(id: String, at time: Timestamp) async throws -> Bool
}
