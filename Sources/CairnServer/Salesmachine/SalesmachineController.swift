import CairnCore
import Hummingbird

/// The Salesmachine tracking API: `POST /v1/track/event`, `/v1/contact`, `/v1/account`, and
/// `/v1/batch` with a JSON array of `{method, …}` calls. The key is `api_token` in the query
/// string or the user name of Basic auth. Answers `{"status":"success"}`; refusals use its
/// codes: 400 (no key, or a call missing what it needs), 401 (bad key), 406 (not JSON), 429.
struct SalesmachineController: Sendable {
    let gateway: IngestGateway
    let maxBatchItems: Int

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        let routes: [(String, SalesmachineRules.Method)] = [
            ("v1/track/event", .event), ("v1/contact", .contact), ("v1/account", .account),
        ]
        for (path, method) in routes {
            group.post(RouterPath(path)) { request, context in
                try await self.single(method, request: request, context: context)
            }
        }
    }

    func single(
        _ method: SalesmachineRules.Method,
        request: Request,
        context: AuthenticatedContext
    ) async throws -> Response {
        _ = try await gateway.ingest(request, context: context, surface: .salesmachine) { body, receivedAt in
            IngestBatch(accepted: try SalesmachineRules.calls(method: method, body: body.json, receivedAt: receivedAt))
        }
        return Self.success
    }

    /// A Salesmachine batch, its body already read by the shared `/v1/batch` route.
    func batch(_ body: IngestBody, context: AuthenticatedContext) async throws -> Response {
        let maxBatchItems = self.maxBatchItems
        do {
            _ = try await gateway.ingest(body, context: context, surface: .salesmachine) { body, receivedAt in
                IngestBatch(
                    accepted: try SalesmachineRules.validateBatch(
                        body: body.json,
                        receivedAt: receivedAt,
                        maxItems: maxBatchItems
                    )
                )
            }
        } catch var error as APIError {
            error.style = .salesmachine
            throw error
        }
        return Self.success
    }

    private static var success: Response { JSONResponse.make(body: ["status": "success"]) }
}
