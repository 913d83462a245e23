import CairnCore
import Hummingbird

/// Guards every route under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/…`: a brand's
/// admin token reaches its own brand only (`403 admin_token_not_authorised` for any other).
struct AdminBrandScopeMiddleware: RouterMiddleware {
    typealias Context = AdminContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        _ = try context.administeredTenant()
        return try await next(request, context)
    }
}

extension AdminContext {
    /// The brand an admin path names, once the admin token is known to administer it.
    func administeredTenant() throws -> Tenant {
        let tenant = try pathTenant()
        guard adminToken.administers(tenant) else { throw APIError.adminTokenNotAuthorised(adminToken) }
        return tenant
    }

    /// Refuses a brand's admin token on what only a global one may do (admin tokens themselves).
    func requireGlobalAdminToken() throws {
        guard adminToken.isGlobal else { throw APIError.adminTokenNotAuthorised(adminToken) }
    }
}

extension APIError {
    static func adminTokenNotAuthorised(_ token: AdminTokenRecord) -> APIError {
        APIError(
            .forbidden,
            code: "admin_token_not_authorised",
            message: token.brand.map { "This admin token administers the brand \($0) only." }
                ?? "This admin token may not do this."
        )
    }
}
