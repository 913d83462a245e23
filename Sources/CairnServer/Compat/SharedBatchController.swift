import Hummingbird

/// `POST /v1/batch`, which Segment's clients and Salesmachine's share: the body's shape decides.
/// An `api_token` in the query string or a JSON array is Salesmachine's batch; an object (with
/// `batch`) is Segment's. A body that is not JSON at all is answered as Segment answers it.
struct SharedBatchController: Sendable {
    let segment: SegmentController
    let salesmachine: SalesmachineController

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.post("v1/batch", use: self.batch)
    }

    @Sendable func batch(request: Request, context: CairnRequestContext) async throws -> Response {
        if PresentedKey.queryToken(request) != nil {
            return try await salesmachine.batch(nil, request: request, context: context)
        }
        let body = try await segment.readBody(request)
        if case .array = body.json {
            return try await salesmachine.batch(body, request: request, context: context)
        }
        return try await segment.batch(body, request: request, context: context)
    }
}
