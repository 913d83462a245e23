import CairnCore
import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: everything counted, in the Prometheus text format. With a token configured,
/// only `Authorization: Bearer <token>` reads it.
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let token: String?

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("metrics", use: self.show)
    }

    @Sendable func show(request: Request, context: CairnRequestContext) async throws -> Response {
        if let token {
            guard let presented = AdminAuthMiddleware.bearer(request),
                ConstantTime.equal(Array(presented.utf8), Array(token.utf8))
            else {
                throw APIError(
                    .unauthorized,
                    code: "invalid_metrics_token",
                    message: "The metrics need Authorization: Bearer with the configured metrics token."
                )
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
        )
    }
}
