import Hummingbird
import Logging

/// The outermost middleware: answers any error that is not already an HTTP answer with a JSON
/// 500 whose body names nothing internal, and logs the details instead.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
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
}
