import CairnCore
import HTTPTypes
import Hummingbird

/// Guards every Track API route, before the body is read: the `auth-token` must be a live
/// token whose scope covers the path's client, account and brand, and the token's rate limit
/// must allow the request. Adds the rate-limit headers to every answer.
struct TrackAuthMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    // A valid token (RFC 9110) as a literal: the initializer cannot fail.
    static let tokenHeader = HTTPField.Name("auth-token")!

    let authenticator: TokenAuthenticator
    let limiter: RateLimiter

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let presented = request.headers[Self.tokenHeader], !presented.isEmpty else {
            throw APIError.noToken
        }
        let tenant = try context.pathTenant()
        guard case .authorised(let token) = try await authenticator.authenticate(presented, for: tenant) else {
            throw APIError.notAuthorised
        }
        let decision = limiter.take(for: token)
        let limitHeaders = RateLimitHeaders.fields(for: token, decision: decision)
        if case .limited = decision {
            throw APIError(
                .tooManyRequests,
                code: "rate_limit_exceeded",
                message: "Rate limit exceeded: this token may make \(Int(token.rate)) requests a second "
                    + "with bursts of \(token.burst). Retry after the Retry-After seconds.",
                headers: limitHeaders
            )
        }
        var context = context
        context.token = token
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.makeResponse()
        }
        response.headers.append(contentsOf: limitHeaders)
        return response
    }
}
