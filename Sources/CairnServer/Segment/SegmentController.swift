import CairnCore
import Hummingbird
import Logging

/// Segment's HTTP API (which RudderStack speaks too): `POST /v1/{identify,track,page,screen,group,alias}`
/// for one message, `/v1/batch` and `/v1/import` for many. Answers as Segment does: 200
/// `{"success":true}` for what was taken, 400 for a body too large or not JSON.
struct SegmentController: Sendable {
    let gateway: IngestGateway
    let maxBatchItems: Int

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        for action in EventAction.allCases {
            group.post("v1/\(action.rawValue)") { request, context in
                try await self.single(action, request: request, context: context)
            }
        }
        for (path, action) in Self.shortForms {
            group.post(RouterPath("v1/\(path)")) { request, context in
                try await self.single(action, request: request, context: context)
            }
        }
        for path in Self.batchPaths {
            group.post(RouterPath("v1/\(path)")) { request, context in
                try await self.batch(
                    try await gateway.body(of: request, context: context, surface: .segment),
                    context: context
                )
            }
        }
    }

    /// analytics.js, the browser SDK, posts to short forms of the same calls.
    static let shortForms: [(String, EventAction)] = [
        ("i", .identify), ("t", .track), ("p", .page), ("s", .screen), ("g", .group), ("a", .alias),
    ]
    /// Segment's batch routes besides the shared `/v1/batch`: `/v1/import`, and analytics.js's `/v1/b`.
    static let batchPaths = ["import", "b"]

    /// Every Segment route's last path segment (the shared `batch` included).
    static var paths: [String] {
        EventAction.allCases.map(\.rawValue) + shortForms.map(\.0) + batchPaths + ["batch"]
    }

    func single(_ action: EventAction, request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await gateway.ingest(request, context: context, surface: .segment) { body, receivedAt in
            var bytes = body.bytes
            if case .object(var fields) = body.json, fields["writeKey"] != nil {
                // The key is a secret: it is not stored with the event.
                fields["writeKey"] = nil
                bytes = JSONValue.object(fields).encoded()
            }
            let message = try SegmentRules.validate(
                action: action,
                message: body.json,
                bytes: bytes,
                receivedAt: receivedAt
            )
            return IngestBatch(accepted: [message])
        }
        return JSONResponse.make(body: ["success": true])
    }

    /// A Segment batch, its body already read (`/v1/batch` reads it to tell Segment from Salesmachine).
    func batch(_ body: IngestBody, context: AuthenticatedContext) async throws -> Response {
        let maxBatchItems = self.maxBatchItems
        let receipt = try await gateway.ingest(body, context: context, surface: .segment) { body, receivedAt in
            try SegmentBatchRules.validate(body: body.json, receivedAt: receivedAt, maxItems: maxBatchItems)
        }
        guard !receipt.rejected.isEmpty else { return JSONResponse.make(body: ["success": true]) }
        context.logger.info(
            "batch messages refused",
            metadata: ["refused": "\(receipt.rejected.count)", "stored": "\(receipt.entries.count)"]
        )
        return JSONResponse.make(body: [
            "success": true,
            "rejected": .array(receipt.rejected.map(\.json)),
        ])
    }
}
