import CairnCore
import CairnStorage
import Hummingbird

/// API tokens over HTTP, as `cairn tokens` manages them: `POST /admin/v1/tokens` (the secret is
/// answered this once), `GET /admin/v1/tokens`, `DELETE /admin/v1/tokens/{id}`. A brand's admin
/// token creates, sees and revokes only tokens for exactly its brand, within the default limits.
struct APITokensController: Sendable {
    let stores: CairnStores
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.post("tokens", use: self.create)
        group.get("tokens", use: self.list)
        group.delete("tokens/:id", use: self.revoke)
    }

    @Sendable func create(request: Request, context: AdminContext) async throws -> EditedResponse<TokenAnswer.Created> {
        let body = try await AdminBody.read(request)
        let burst = try body.number("burst") ?? Double(TokenDefaults.burst)
        guard burst == burst.rounded(), abs(burst) <= Double(Int32.max) else {
            throw APIError(.badRequest, code: "invalid_burst", message: "burst must be a positive whole number.")
        }
        let tokenRequest = TokenRequest(
            scope: TokenScope(
                clientId: try body.requiredString("client"),
                accountId: try body.requiredString("account"),
                brandId: try body.string("brand")
            ),
            rate: try body.number("rate") ?? TokenDefaults.rate,
            burst: Int(burst)
        )
        if let problem = tokenRequest.problem {
            var error = APIError(.badRequest, code: problem.code, message: problem.message)
            error.details["field"] = .string(problem.field)
            throw error
        }
        guard context.adminToken.administers(tokenRequest.scope) else {
            throw APIError.adminTokenNotAuthorised(context.adminToken)
        }
        // The server's limits are its operator's: a brand's admin may not lift its own.
        if !context.adminToken.isGlobal,
            tokenRequest.rate > TokenDefaults.rate || tokenRequest.burst > TokenDefaults.burst
        {
            throw APIError(
                .forbidden,
                code: "admin_token_not_authorised",
                message: "A brand's admin token makes tokens of at most \(Int(TokenDefaults.rate)) requests a second "
                    + "and a burst of \(TokenDefaults.burst); a global admin token may set more."
            )
        }
        let (record, secret) = TokenRecord.issue(
            scope: tokenRequest.scope,
            rate: tokenRequest.rate,
            burst: tokenRequest.burst,
            now: clock.now()
        )
        try await stores.insertToken(record)
        return EditedResponse(
            status: .created,
            response: TokenAnswer.Created(token: .init(record), secret: secret.text)
        )
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> TokenAnswer.List {
        let admin = context.adminToken
        return TokenAnswer.List(
            tokens: try await stores.tokens.list().filter { admin.administers($0.scope) }.map(TokenAnswer.Token.init)
        )
    }

    @Sendable func revoke(request: Request, context: AdminContext) async throws -> TokenAnswer.Revoked {
        let id = try context.parameters.require("id")
        // A brand's admin token is told of no token outside its brand, as if there were none.
        let theirs = try await stores.tokens.token(id: id).map { context.adminToken.administers($0.scope) } ?? false
        guard theirs, try await stores.tokens.revoke(id: id, at: clock.now()) else {
            throw APIError(.notFound, code: "token_not_found", message: "No active token has the id \(id).")
        }
        return TokenAnswer.Revoked(id: id)
    }
}
