import CairnCore
import Hummingbird

extension RequestContext {
    /// The client, account and brand named in a path (`…/{clientId}/{accountId}/{brandId}/…`),
    /// each decoded once and held to `TenantIdGrammar`: `400 invalid_id` otherwise.
    func pathTenant() throws -> Tenant {
        Tenant(
            clientId: try pathId("clientId", field: "client"),
            accountId: try pathId("accountId", field: "account"),
            brandId: try pathId("brandId", field: "brand")
        )
    }

    private func pathId(_ parameter: String, field: String) throws -> String {
        let segment = try parameters.require(parameter)
        guard let id = TenantIdGrammar.decodePathSegment(segment) else {
            throw APIError.invalidId(field)
        }
        return id
    }
}

extension APIError {
    /// A client, account or brand id outside `TenantIdGrammar`.
    static func invalidId(_ field: String) -> APIError {
        var error = APIError(.badRequest, code: "invalid_id", message: TenantIdGrammar.rule(for: "The \(field) id"))
        error.details["field"] = .string(field)
        return error
    }
}
