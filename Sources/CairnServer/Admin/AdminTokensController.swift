import CairnCore
import CairnStorage
import Hummingbird

/// API tokens over HTTP, as `cairn tokens` manages them: `POST /admin/v1/tokens` (the secret is
/// answered this once), `GET /admin/v1/tokens`, `DELETE /admin/v1/tokens/{id}`.
struct AdminTokensController: Sendable {
    let tokens: any TokenStore
    let brands: any BrandStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.post("tokens", use: self.create)
        group.get("tokens", use: self.list)
        group.delete("tokens/:id", use: self.revoke)
    }

    @Sendable func create(request: Request, context: AdminContext) async throws -> Response {
        let body = try await AdminBody.read(request)
        let client = try Self.id(body.requiredString("client"), "client")
        let account = try Self.id(body.requiredString("account"), "account")
        let brand = try body.string("brand").map { try Self.id($0, "brand") }
        let rate = try body.number("rate") ?? TokenDefaults.rate
        guard rate > 0, rate.isFinite else {
            throw APIError(
                .badRequest,
                code: "invalid_rate",
                message: "rate must be a positive number of requests a second."
            )
        }
        let burstValue = try body.number("burst") ?? Double(TokenDefaults.burst)
        guard burstValue >= 1, burstValue == burstValue.rounded(), burstValue <= Double(Int32.max) else {
            throw APIError(.badRequest, code: "invalid_burst", message: "burst must be a positive whole number.")
        }
        let scope = TokenScope(clientId: client, accountId: account, brandId: brand)
        let now = clock.now()
        let (record, secret) = TokenRecord.issue(scope: scope, rate: rate, burst: Int(burstValue), now: now)
        try await tokens.insert(record)
        if let brand {
            try await brands.ensure([Tenant(clientId: client, accountId: account, brandId: brand)], at: now)
        }
        guard case .object(var fields) = AdminJSON.token(record) else { return JSONResponse.make(body: [:]) }
        fields["secret"] = .string(secret.text)
        return JSONResponse.make(status: .created, body: AdminJSON.success(fields))
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> Response {
        let records = try await tokens.list()
        return JSONResponse.make(body: AdminJSON.success(["tokens": .array(records.map(AdminJSON.token))]))
    }

    @Sendable func revoke(request: Request, context: AdminContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await tokens.revoke(id: id, at: clock.now()) else {
            throw APIError(.notFound, code: "token_not_found", message: "No active token has the id \(id).")
        }
        return JSONResponse.make(body: AdminJSON.success(["id": .string(id), "revoked": true]))
    }

    /// A client, account or brand id: not empty, no `/` (it is a path segment), no control characters.
    static func id(_ text: String, _ name: String) throws -> String {
        guard !text.isEmpty, !text.contains("/"),
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw APIError(
                .badRequest,
                code: "invalid_\(name)",
                message: "\(name) must be a non-empty id without '/' or control characters."
            )
        }
        return text
    }
}
