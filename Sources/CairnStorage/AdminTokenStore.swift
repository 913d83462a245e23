public import CairnCore

/// Admin tokens (the admin API's bearer tokens). Only hashes of secrets are kept.
public protocol AdminTokenStore: Sendable {
    func insert(_ token: AdminTokenRecord) async throws
    func token(id: String) async throws -> AdminTokenRecord?
    /// Every admin token, oldest first.
    func list() async throws -> [AdminTokenRecord]
    /// Marks the token revoked; false when there is no such token or it was already revoked.
    func revoke(id: String, at time: Timestamp) async throws -> Bool
}
