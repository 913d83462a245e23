import HTTPTypes
import Hummingbird

/// Lets web pages call the Segment routes, as analytics.js does from any site: every answer on
/// them, refusals included, says any origin may read it. No cookie is involved (the key is in
/// the body or the Basic header), so `*` is safe. Placed before admission, so that a 401 or a
/// 429 is readable by the page too.
struct SegmentCORSMiddleware: RouterMiddleware {
    typealias Context = CairnRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }

    /// `OPTIONS` on every Segment path: `204` with what the browser asked to send.
    static func addPreflightRoutes(to router: Router<CairnRequestContext>) {
        for path in SegmentController.paths {
            router.on(RouterPath("v1/\(path)"), method: .options) { request, _ -> Response in
                var headers: HTTPFields = [
                    .accessControlAllowOrigin: "*",
                    .accessControlAllowMethods: "POST, OPTIONS",
                    .accessControlMaxAge: "86400",
                ]
                headers[.accessControlAllowHeaders] =
                    request.headers[.accessControlRequestHeaders] ?? "Content-Type, Authorization"
                return Response(status: .noContent, headers: headers)
            }
        }
    }
}
