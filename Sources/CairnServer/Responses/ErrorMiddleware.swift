import Hummingbird
import Logging

/// The outermost middleware: every answer that is not a success is JSON in Cairn's shape. A
/// request that found no route is `404 route_not_found`, or `405 method_not_allowed` (with
/// `Allow`) on a path Cairn serves with other methods; any other error that is not already an
/// HTTP answer is a 500 whose body names nothing internal, with the details in the log.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var routes = RouteTable()

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            var response = answer(error, request: request).makeResponse()
            // An answer to HEAD has a head only: a body would be read as the next answer.
            if request.method == .head { response.body = ResponseBody() }
            return response
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"]
            )
            return APIError(
                .internalServerError,
                code: "internal_error",
                message: "Something went wrong inside Cairn; the request was not completed. Please retry."
            ).makeResponse()
        }
    }

    /// Hummingbird's own errors (no route, a missing path parameter) in Cairn's words.
    private func answer(_ error: HTTPError, request: Request) -> APIError {
        guard error.status == .notFound else {
            return APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
        }
        let allowed = routes.methods(for: request.uri.path)
        guard !allowed.isEmpty else {
            return APIError(.notFound, code: "route_not_found", message: "Cairn has no route \(request.uri.path).")
        }
        let names = allowed.map(\.rawValue).sorted()
        return APIError(
            .methodNotAllowed,
            code: "method_not_allowed",
            message: "\(request.method.rawValue) is not allowed on \(request.uri.path); use "
                + names.joined(separator: " or ") + ".",
            headers: [.allow: names.joined(separator: ", ")]
        )
    }
}
