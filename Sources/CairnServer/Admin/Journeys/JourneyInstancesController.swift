import CairnCore
import CairnStorage
import Hummingbird

/// Who is on a journey, under `/admin/v1/brands/{c}/{a}/{b}/journeys/{journeyId}/instances`: a
/// list newest first (`?status=&userId=&limit=&before=`), and one instance with every step it
/// took (time, step, type, outcome, the message ids of its sends).
struct JourneyInstancesController: Sendable {
    let instances: any JourneyInstanceStore

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("journeys/:journeyId/instances", use: self.list)
        group.get("journeys/:journeyId/instances/:instanceId", use: self.show)
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> Response {
        let (tenant, journeyId) = (try context.administeredTenant(), try JourneysController.journeyId(context))
        let parameters = FormQuery(request.uri.query)
        try QueryReader.refuseUnknown(parameters, allowed: ["status", "userId", "limit", "before"])
        var status: JourneyInstance.Status?
        if let text = parameters["status"] {
            guard let parsed = JourneyInstance.Status(rawValue: String(text)) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_status",
                    message: "status must be active, completed or exited."
                )
            }
            status = parsed
        }
        let found = try await instances.instances(
            tenant: tenant,
            journeyId: journeyId,
            status: status,
            userId: parameters["userId"].map(String.init),
            limit: try QueryReader.limit(parameters, default: 100),
            before: try QueryReader.before(parameters, naming: "instance")
        )
        return JSONResponse.make(body: ["success": true, "instances": .array(found.map { Self.json($0) })])
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> Response {
        let (tenant, journeyId) = (try context.administeredTenant(), try JourneysController.journeyId(context))
        let instanceId = try context.parameters.require("instanceId")
        guard let (instance, steps) = try await instances.instance(tenant: tenant, instanceId: instanceId),
            instance.journeyId == journeyId
        else {
            throw APIError(
                .notFound,
                code: "instance_not_found",
                message: "This journey has no instance \(instanceId)."
            )
        }
        var fields = Self.json(instance).objectValue ?? [:]
        fields["steps"] = .array(
            steps.map { step in
                [
                    "at": .string(step.at.iso8601), "stepId": .string(step.stepId), "type": .string(step.type),
                    "outcome": .string(step.outcome), "visit": .number(String(step.visit)),
                    "messageIds": .array(step.messageIds.map(JSONValue.string)),
                ]
            }
        )
        return JSONResponse.make(body: ["success": true, "instance": .object(fields)])
    }

    static func json(_ instance: JourneyInstance) -> JSONValue {
        [
            "instanceId": .string(instance.instanceId), "journeyId": .string(instance.journeyId),
            "version": .number(String(instance.version)), "customerId": .string(instance.customerId),
            "userId": instance.userId.map(JSONValue.string) ?? .null, "eventId": .string(instance.eventId.description),
            "status": .string(instance.status.rawValue), "stepId": instance.stepId.map(JSONValue.string) ?? .null,
            "wakeAt": instance.wakeAt.map { .string($0.iso8601) } ?? .null,
            "awaiting": instance.awaiting.map(JSONValue.string) ?? .null,
            "enteredAt": .string(instance.enteredAt.iso8601),
            "endedAt": instance.endedAt.map { .string($0.iso8601) } ?? .null,
        ]
    }
}
