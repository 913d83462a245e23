import CairnCore
import Hummingbird

/// `POST /v1/batch`, which Segment's clients and Salesmachine's share: the request decides.
/// An `api_token` in the query string or a JSON array is Salesmachine's batch; an object (with
/// `batch`) is Segment's. A body that is not JSON at all is answered as Segment answers it.
struct SharedBatchController: Sendable {
    let gateway: IngestGateway
    let segment: SegmentController
    let salesmachine: SalesmachineController

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("v1/batch", use: self.batch)
    }

    @Sendable func batch(request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await gateway.body(of: request, context: context, surface: .sharedBatch)
        if IngestSurface.sharedBatch.style(for: request, body: body) == .salesmachine {
            return try await salesmachine.batch(body, context: context)
        }
        return try await segment.batch(body, context: context)
    }
}
