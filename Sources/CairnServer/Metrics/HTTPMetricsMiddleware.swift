import CairnCore
import CairnPipeline
import Hummingbird

/// Counts and times every answer by route template (the path as registered: `/track/{clientId}/…`,
/// or `unmatched`, so that unknown paths cannot grow the label set), method and status.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CairnMetrics
    let clock: any CairnClock

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = clock.uptime()
        var status = 500
        defer {
            metrics.httpRequest(
                route: httpMetricsRoute(endpointPath: context.endpointPath),
                method: request.method.rawValue,
                status: status,
                seconds: clock.seconds(since: started)
            )
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}

/// The route label of an answer: the template the router matched (`/track/{clientId}/…`, always
/// starting with `/`), or `unmatched`. Hummingbird's not-found responder names the endpoint itself
/// (`NotFound`, also for a known path asked with another method), so any name that is not a
/// template counts as no match.
func httpMetricsRoute(endpointPath: String?) -> String {
    guard let endpointPath, endpointPath.hasPrefix("/") else { return "unmatched" }
    return endpointPath
}
