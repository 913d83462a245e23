import CairnCore
import CairnStorage
import Foundation
import Hummingbird

/// Guards every `/admin/v1/…` route: `Authorization: Bearer <secret>` must be a live admin
/// token (`cairn_admin_…`). An API token is never an admin token, nor the reverse. Admin
/// tokens are read from the store on every request, so a revoked one stops at once.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    let tokens: any AdminTokenStore

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let presented = Self.bearer(request) else {
            throw APIError(
                .unauthorized,
                code: "missing_admin_token",
                message: "No admin token: send Authorization: Bearer cairn_admin_… (cairn admin-tokens create)."
            )
        }
        guard let secret = TokenSecret(presented: presented, prefix: TokenSecret.adminPrefix),
            let record = try await tokens.token(id: secret.id),
            !record.isRevoked,
            secret.matches(storedHash: record.secretHash)
        else {
            throw APIError(
                .unauthorized,
                code: "invalid_admin_token",
                message: "The admin token is not a live admin token."
            )
        }
        var context = context
        context.adminToken = record
        return try await next(request, context)
    }

    /// The token of `Authorization: Bearer <token>` (the scheme in any case), nil without one.
    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
