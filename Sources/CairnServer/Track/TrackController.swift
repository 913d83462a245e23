import CairnCore
import Hummingbird

/// The Track API's ingest: `POST /track/{clientId}/{accountId}/{brandId}/v1/{identify|track|page|screen|batch}`.
struct TrackController: Sendable {
    let gateway: IngestGateway
    let maxBatchItems: Int

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post(":action", use: self.ingest)
    }

    @Sendable func ingest(request: Request, context: AuthenticatedContext) async throws -> Response {
        let actionName = try context.parameters.require("action")
        guard let action = TrackAction(name: actionName) else {
            throw APIError(
                .notFound,
                code: EventRejection.Code.unknownAction.rawValue,
                message: "Unknown action \"\(actionName)\": use identify, track, page, screen or batch."
            )
        }
        let maxBatchItems = self.maxBatchItems
        let receipt = try await gateway.ingest(request, context: context, surface: .track) { body, receivedAt in
            guard let eventAction = action.eventAction else {
                let events = try BatchValidator.validate(
                    body: body.json,
                    receivedAt: receivedAt,
                    maxItems: maxBatchItems
                )
                return IngestBatch(accepted: events)
            }
            let event = try EventValidator.validate(action: eventAction, body: body.json, receivedAt: receivedAt)
            return IngestBatch(accepted: [IngestedEvent(event: event, body: body.bytes)])
        }
        return action == .batch ? Self.acceptedBatch(receipt.entries) : Self.accepted(receipt.entries[0])
    }

    private static func accepted(_ entry: EventLogEntry) -> Response {
        JSONResponse.make(bytes: Array(#"{"success":true,"eventId":"\#(entry.id)"}"#.utf8))
    }

    private static func acceptedBatch(_ entries: [EventLogEntry]) -> Response {
        var bytes = Array(#"{"success":true,"eventIds":["#.utf8)
        bytes.reserveCapacity(bytes.count + entries.count * 39 + 2)
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: entry.id.description.utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(contentsOf: "]}".utf8)
        return JSONResponse.make(bytes: bytes)
    }
}
