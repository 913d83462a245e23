import CairnCore
import CairnPipeline
import HTTPTypes
import Hummingbird

/// The gateway's first step, before any of the body is read: finds the request's key where its
/// surface puts it, authenticates it, works out the brand it writes to and charges the token's
/// bucket. Only then does the handler run, in an `AuthenticatedContext`. Every answer, refusal
/// or not, is in the surface's shape and carries the admitted token's rate-limit headers.
///
/// The one exception to "before the body": a Segment client that sends no key in the head may
/// send `writeKey` in the body, which is then read (under the surface's limits) to find it.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    // A valid field name (RFC 9110) as a literal: the initializer cannot fail.
    static let tokenHeader = HTTPField.Name("auth-token")!

    let surface: IngestSurface
    let authenticator: TokenAuthenticator
    let limiter: RateLimiter
    let bodyReader: IngestBodyReader

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        var style = surface.style(for: request)
        var limitHeaders: HTTPFields = [:]
        var response: Response
        do {
            var presented = surface.headKey(request)
            if presented == nil, surface.keyMayBeInBody {
                let body = try await bodyReader.read(request, surface: surface, style: style)
                context.preReadBody = body
                style = surface.style(for: request, body: body)
                presented = PresentedKey.bodyWriteKey(body.json)
            }
            let principal: Principal
            do {
                principal = try await admit(presented, request: request, context: context, style: style)
            } catch let refusal as APIError where surface.arrayBodyStyle != nil && context.preReadBody == nil {
                // A refusal speaks the words of the client that sent it: on the shared batch route a
                // Salesmachine batch is an array. Only the body's first byte is read to tell, nothing
                // of it is kept.
                if let arrayStyle = surface.arrayBodyStyle, style != arrayStyle,
                    (try? await IngestBodyReader.firstSignificantByte(request)) == UInt8(ascii: "[")
                {
                    style = arrayStyle
                    throw surface.reworded(refusal, style: style)
                }
                throw refusal
            }
            limitHeaders = principal.rateLimitHeaders
            context.principal = principal
            response = try await next(request, context)
        } catch var error as APIError {
            if error.style == nil { error.style = style }
            response = error.makeResponse()
        }
        response.headers.append(contentsOf: limitHeaders)
        return response
    }

    private func admit(
        _ presented: String?,
        request: Request,
        context: Context,
        style: APIError.Style
    ) async throws -> Principal {
        guard let presented else { throw surface.missingKey(style) }
        guard let token = try await authenticator.liveToken(presented) else { throw surface.invalidKey(style) }
        let tenant = try surface.tenant(token, context)
        let decision = limiter.take(for: token)
        let headers = RateLimitHeaders.fields(for: token, decision: decision)
        if case .limited = decision {
            var refusal = surface.rateLimited(token)
            refusal.headers = headers
            throw refusal
        }
        return Principal(token: token, tenant: tenant, rateLimitHeaders: headers)
    }
}
