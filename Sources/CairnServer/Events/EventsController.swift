import CairnCore
import CairnStorage
import Hummingbird

/// The Events API under `/track/{clientId}/{accountId}/{brandId}/v1`: one event's status
/// (`GET events/{eventId}`) and a filtered, paged list, newest first (`GET events`).
struct EventsController: Sendable {
    let eventLog: any EventLogStore
    let outbox: any OutboxStore
    let journeys: any JourneyInstanceStore

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("events", use: self.list)
        group.get("events/:eventId", use: self.status)
    }

    @Sendable func status(request: Request, context: AuthenticatedContext) async throws -> Response {
        let tenant = context.principal.tenant
        let idText = try context.parameters.require("eventId")
        guard let id = EventID(idText), let stored = try await eventLog.event(id: id, tenant: tenant) else {
            throw APIError(.notFound, code: "event_not_found", message: "No event \(idText) was found for this brand.")
        }
        let messages = try await outbox.messages(eventId: id)
        var body = EventStatusBody.make(stored, messages: messages).filling(defaults: ["success": true])
        // A start_journey shows the instances it made: where the customer entered.
        let instances = try await journeys.instances(eventId: id)
        if !instances.isEmpty {
            body = body.setting(
                "journeys",
                to: .array(
                    instances.map { instance in
                        var fields: [String: JSONValue] = [
                            "journeyId": .string(instance.journeyId), "instanceId": .string(instance.instanceId),
                            "status": .string(instance.status.rawValue),
                        ]
                        fields["stepId"] = instance.stepId.map(JSONValue.string) ?? .null
                        return .object(fields)
                    }
                )
            )
        }
        return JSONResponse.make(body: body)
    }

    @Sendable func list(request: Request, context: AuthenticatedContext) async throws -> Response {
        let parameters = FormQuery(request.uri.query)
        try QueryReader.refuseUnknown(
            parameters,
            allowed: ["userId", "event", "status", "start", "end", "from", "size"]
        )
        var query = EventQuery(tenant: context.principal.tenant)
        query.withBodies = false
        query.userId = parameters["userId"].map(String.init)
        query.eventName = parameters["event"].map(String.init)
        if let status = parameters["status"] {
            guard let parsed = EventStatus(rawValue: String(status)) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_status",
                    message: "status must be accepted, processed or failed."
                )
            }
            query.status = parsed
        }
        query.start = try QueryReader.timestamp(parameters["start"], name: "start")
        query.end = try QueryReader.timestamp(parameters["end"], name: "end")
        (query.from, query.size) = try QueryReader.paging(parameters)
        let events = try await eventLog.events(matching: query)
        return JSONResponse.make(body: [
            "success": true,
            "from": .number(String(query.from)),
            "size": .number(String(query.size)),
            "events": .array(events.map { EventStatusBody.make($0) }),
        ])
    }
}
