import CairnCore
import CairnStorage
import Hummingbird

/// The Track API's ingest: `POST /track/{clientId}/{accountId}/{brandId}/v1/{identify|track|page|screen|batch}`.
struct TrackController: Sendable {
    let writer: EventLogWriter
    let bodyReader: TrackBodyReader
    let maxBatchItems: Int

    func addRoutes(to group: RouterGroup<CairnRequestContext>) {
        group.post(":action", use: self.ingest)
    }

    @Sendable func ingest(request: Request, context: CairnRequestContext) async throws -> Response {
        let actionName = try context.parameters.require("action")
        guard let action = TrackAction(name: actionName) else {
            throw APIError(
                .notFound,
                code: EventRejection.Code.unknownAction.rawValue,
                message: "Unknown action \"\(actionName)\": use identify, track, page, screen or batch."
            )
        }
        guard let token = context.token else { throw APIError.notAuthorised }
        let tenant = try context.pathTenant()
        let body = try await bodyReader.read(request)
        let receivedAt = Timestamp.now()

        var entries: [EventLogEntry] = []
        if let eventAction = action.eventAction {
            let event: ValidatedEvent
            do throws(EventRejection) {
                event = try EventValidator.validate(action: eventAction, body: body.json, receivedAt: receivedAt)
            } catch {
                throw APIError.rejected(error)
            }
            entries.append(
                EventLogEntry(
                    id: EventID.make(at: receivedAt),
                    tenant: tenant,
                    tokenId: token.id,
                    event: event,
                    receivedAt: receivedAt,
                    body: body.bytes
                )
            )
        } else {
            let items: [BatchItem]
            do throws(BatchRejection) {
                items = try BatchValidator.validate(body: body.json, receivedAt: receivedAt, maxItems: maxBatchItems)
            } catch {
                throw APIError.rejected(error)
            }
            entries.reserveCapacity(items.count)
            for item in items {
                entries.append(
                    EventLogEntry(
                        id: EventID.make(at: receivedAt),
                        tenant: tenant,
                        tokenId: token.id,
                        event: item.event,
                        receivedAt: receivedAt,
                        body: item.body.encoded()
                    )
                )
            }
        }

        do {
            try await writer.append(entries)
        } catch {
            context.logger.error("events not stored", metadata: ["error": "\(error)"])
            throw APIError.unavailable
        }
        return action == .batch ? Self.acceptedBatch(entries) : Self.accepted(entries[0])
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
