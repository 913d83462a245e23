import HTTPTypes
import Hummingbird

/// Lets web pages call the Segment routes, as analytics.js does from any site: a preflight
/// (`OPTIONS`) is answered `204` with what the browser asks to send, and every answer on those
/// routes says any origin may read it. No cookie is involved (the key is in the body or the
/// Basic header), so `*` is safe.
struct SegmentCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The Segment routes: `/v1/{call}`, analytics.js's short forms, and the batches.
    static var paths: Set<String> {
        let calls = ["identify", "track", "page", "screen", "group", "alias", "batch", "import"]
        let short = ["i", "t", "p", "s", "g", "a", "b"]
        return Set((calls + short).map { "/v1/" + $0 })
    }

    private let paths = Self.paths

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard paths.contains(request.uri.path) else { return try await next(request, context) }
        if request.method == .options {
            var headers: HTTPFields = [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "POST, OPTIONS",
                .accessControlMaxAge: "86400",
            ]
            headers[.accessControlAllowHeaders] =
                request.headers[.accessControlRequestHeaders] ?? "Content-Type, Authorization"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}
