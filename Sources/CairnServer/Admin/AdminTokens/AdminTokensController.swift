import CairnCore
import CairnStorage
import Hummingbird

/// Admin tokens over HTTP, as `cairn admin-tokens` manages them, for a global admin token only:
/// `POST /admin/v1/admin-tokens` `{"name"?, "client"?, "account"?, "brand"?}` (all three ids for
/// a brand's token, none for a global one; the secret is answered this once),
/// `GET /admin/v1/admin-tokens`, `DELETE /admin/v1/admin-tokens/{id}`.
struct AdminTokensController: Sendable {
    let tokens: any AdminTokenStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.post("admin-tokens", use: self.create)
        group.get("admin-tokens", use: self.list)
        group.delete("admin-tokens/:id", use: self.revoke)
    }

    @Sendable func create(
        request: Request,
        context: AdminContext
    ) async throws -> EditedResponse<
        AdminTokenAnswer.Created
    > {
        try context.requireGlobalAdminToken()
        let body = try await AdminBody.read(request)
        let name = try body.string("name")
        if let name, let problem = AdminTokenRules.nameProblem(name) {
            throw APIError(.badRequest, code: "invalid_name", message: problem)
        }
        let brand: Tenant?
        switch (try body.string("client"), try body.string("account"), try body.string("brand")) {
        case (nil, nil, nil):
            brand = nil
        case (let client?, let account?, let brandId?):
            for (field, id) in [("client", client), ("account", account), ("brand", brandId)]
            where !TenantIdGrammar.isValid(id) {
                var error = APIError(.badRequest, code: "invalid_id", message: TenantIdGrammar.rule(for: field))
                error.details["field"] = .string(field)
                throw error
            }
            brand = Tenant(clientId: client, accountId: account, brandId: brandId)
        default:
            throw APIError(
                .badRequest,
                code: "incomplete_brand",
                message: "A brand's admin token names its client, account and brand; a global one names none."
            )
        }
        let (record, secret) = AdminTokenRecord.issue(name: name, brand: brand, now: clock.now())
        try await tokens.insert(record)
        return EditedResponse(
            status: .created,
            response: AdminTokenAnswer.Created(token: .init(record), secret: secret.text)
        )
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> AdminTokenAnswer.List {
        try context.requireGlobalAdminToken()
        return AdminTokenAnswer.List(adminTokens: try await tokens.list().map(AdminTokenAnswer.Token.init))
    }

    @Sendable func revoke(request: Request, context: AdminContext) async throws -> AdminTokenAnswer.Revoked {
        try context.requireGlobalAdminToken()
        let id = try context.parameters.require("id")
        guard try await tokens.revoke(id: id, at: clock.now()) else {
            throw APIError(.notFound, code: "admin_token_not_found", message: "No active admin token has the id \(id).")
        }
        return AdminTokenAnswer.Revoked(id: id)
    }
}
