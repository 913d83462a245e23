import CairnCore
import HTTPTypes
import Hummingbird

/// Admits a Segment or Salesmachine request by its key: a live token scoped to one brand (the
/// brand its events belong to), within the token's rate limit. The same per-token budget as
/// the Track API's: one `RateLimiter` serves every surface.
struct WriteKeyGate: Sendable {
    let authenticator: TokenAuthenticator
    let limiter: RateLimiter

    /// An admitted request: the token, the brand it writes to, and the rate-limit headers for the answer.
    struct Admission: Sendable {
        var token: TokenRecord
        var tenant: Tenant
        var headers: HTTPFields
    }

    /// The API whose words the refusals use.
    enum Surface {
        case segment
        case salesmachine
    }

    func admit(_ presented: String?, surface: Surface) async throws -> Admission {
        guard let presented else {
            switch surface {
            case .segment:
                throw APIError(
                    .unauthorized,
                    code: "missing_write_key",
                    message: "No write key: send it as the user name of Basic auth (with an empty password) "
                        + "or as writeKey in the body."
                )
            case .salesmachine:
                throw APIError(
                    .badRequest,
                    code: "missing_api_token",
                    message: "No api token: send it as api_token in the query string or as the user name of Basic auth."
                )
            }
        }
        guard let token = try await authenticator.liveToken(presented) else {
            let (code, name) =
                surface == .segment ? ("invalid_write_key", "write key") : ("invalid_api_token", "api token")
            throw APIError(.unauthorized, code: code, message: "The \(name) is not a live Cairn token.")
        }
        guard let brandId = token.scope.brandId else {
            throw APIError(
                .forbidden,
                code: "key_not_brand_scoped",
                message: "This token covers every brand of its account; a write key must be a token for one brand "
                    + "(cairn tokens create --brand …)."
            )
        }
        let decision = limiter.take(for: token)
        let headers = RateLimitHeaders.fields(for: token, decision: decision)
        if case .limited = decision {
            throw APIError(
                .tooManyRequests,
                code: "rate_limit_exceeded",
                message: "Rate limit exceeded: this key may make \(Int(token.rate)) requests a second "
                    + "with bursts of \(token.burst). Retry after the Retry-After seconds.",
                headers: headers
            )
        }
        let tenant = Tenant(clientId: token.scope.clientId, accountId: token.scope.accountId, brandId: brandId)
        return Admission(token: token, tenant: tenant, headers: headers)
    }
}
