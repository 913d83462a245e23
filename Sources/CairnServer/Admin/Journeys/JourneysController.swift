import CairnCore
import CairnStorage
import Hummingbird

/// A brand's journeys under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/journeys`: `POST`
/// creates one (Cairn assigns its 24-hex `journeyId`) with its definition as the first draft,
/// `PUT {journeyId}` saves a new draft version (or creates the journey with that id), `POST {journeyId}/publish` makes the draft live,
/// `POST …/pause` and `…/resume`, `DELETE` archives, `GET` one (with its versions) or all (newest
/// first, `limit` and `before`). A definition is checked when saved: each refusal is `400` with a
/// code, a sentence and the step (`stepId`); a send of an asset the brand does not have (or has
/// archived, or of another channel than email, sms, push or print) is `asset_not_found`.
struct JourneysController: Sendable {
    let journeys: any JourneyStore
    let assets: any AssetStore
    let instances: any JourneyInstanceStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("journeys", use: self.list)
        group.post("journeys", use: self.create)
        group.get("journeys/:journeyId", use: self.show)
        group.put("journeys/:journeyId", use: self.save)
        group.delete("journeys/:journeyId", use: self.archive)
        group.post("journeys/:journeyId/publish", use: self.publish)
        group.post("journeys/:journeyId/pause", use: self.pause)
        group.post("journeys/:journeyId/resume", use: self.resume)
    }

    @Sendable func create(request: Request, context: AdminContext) async throws -> Response {
        let tenant = try context.administeredTenant()
        let (json, definition) = try await checked(request, tenant: tenant)
        let now = clock.now()
        let journey = try await journeys.create(
            tenant: tenant,
            journeyId: Journey.makeId(at: now),
            name: definition.name,
            definition: json,
            at: now
        )
        var response = try JourneyAnswer.One(journey: .init(journey)).response(from: request, context: context)
        response.status = .created
        return response
    }

    /// A new draft version; for an id the brand has no journey of, a new journey with that id (a
    /// journey moved from another system keeps the id its events already name).
    @Sendable func save(request: Request, context: AdminContext) async throws -> Response {
        let (tenant, journeyId) = (try context.administeredTenant(), try Self.journeyId(context))
        let (json, definition) = try await checked(request, tenant: tenant)
        let now = clock.now()
        guard try await journeys.journey(tenant: tenant, journeyId: journeyId) != nil else {
            let journey = try await journeys.create(
                tenant: tenant,
                journeyId: journeyId,
                name: definition.name,
                definition: json,
                at: now
            )
            var response = try JourneyAnswer.One(journey: .init(journey)).response(from: request, context: context)
            response.status = .created
            return response
        }
        let journey = try await Self.answering {
            try await journeys.saveDraft(
                tenant: tenant,
                journeyId: journeyId,
                name: definition.name,
                definition: json,
                at: now
            )
        }
        return try JourneyAnswer.One(journey: .init(journey)).response(from: request, context: context)
    }

    @Sendable func publish(request: Request, context: AdminContext) async throws -> JourneyAnswer.One {
        let (tenant, journeyId) = (try context.administeredTenant(), try Self.journeyId(context))
        if let draft = try await journeys.journey(tenant: tenant, journeyId: journeyId)?.draft {
            // Assets may have been archived since the draft was saved.
            let definition = try Self.definition(draft.definition)
            try await checkAssets(definition, tenant: tenant)
        }
        let journey = try await Self.answering {
            try await journeys.publish(tenant: tenant, journeyId: journeyId, at: clock.now())
        }
        return JourneyAnswer.One(journey: .init(journey))
    }

    @Sendable func pause(request: Request, context: AdminContext) async throws -> JourneyAnswer.One {
        try await setPaused(true, context)
    }

    @Sendable func resume(request: Request, context: AdminContext) async throws -> JourneyAnswer.One {
        try await setPaused(false, context)
    }

    private func setPaused(_ paused: Bool, _ context: AdminContext) async throws -> JourneyAnswer.One {
        let (tenant, journeyId) = (try context.administeredTenant(), try Self.journeyId(context))
        let journey = try await Self.answering {
            try await journeys.setPaused(paused, tenant: tenant, journeyId: journeyId, at: clock.now())
        }
        return JourneyAnswer.One(journey: .init(journey))
    }

    /// The journey with its versions, and how many customers are on each step now.
    @Sendable func show(request: Request, context: AdminContext) async throws -> JourneyAnswer.Shown {
        let journey = try await find(context)
        let counts = try await instances.stepCounts(tenant: journey.tenant, journeyId: journey.journeyId)
        return JourneyAnswer.Shown(journey: .init(journey), customersAtSteps: counts)
    }

    @Sendable func archive(request: Request, context: AdminContext) async throws -> JourneyAnswer.One {
        let (tenant, journeyId) = (try context.administeredTenant(), try Self.journeyId(context))
        _ = try await journeys.archive(tenant: tenant, journeyId: journeyId, at: clock.now())
        return JourneyAnswer.One(journey: .init(try await find(context)))
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> JourneyAnswer.List {
        let parameters = FormQuery(request.uri.query)
        try QueryReader.refuseUnknown(parameters, allowed: ["before", "limit"])
        let limit = try QueryReader.limit(parameters, default: 100)
        var before: String?
        if let text = parameters["before"].map(String.init) {
            guard Journey.isId(text) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_before",
                    message: "before must be the journeyId of the last journey of the previous page."
                )
            }
            before = text.lowercased()
        }
        let found = try await journeys.journeys(
            tenant: try context.administeredTenant(),
            limit: limit,
            before: before
        )
        return JourneyAnswer.List(journeys: found.map(JourneyAnswer.Journey.init))
    }

    /// The body, read and checked: the definition as given and as read.
    private func checked(_ request: Request, tenant: Tenant) async throws -> (JSONValue, JourneyDefinition) {
        let json = JSONValue.object(try await AdminBody.read(request).fields)
        let definition = try Self.definition(json)
        try await checkAssets(definition, tenant: tenant)
        return (json, definition)
    }

    static func definition(_ json: JSONValue) throws -> JourneyDefinition {
        do throws(JourneyRejection) {
            return try JourneyDefinition(json: json)
        } catch {
            throw refusal(error)
        }
    }

    /// Every send names an asset the brand has, not archived.
    private func checkAssets(_ definition: JourneyDefinition, tenant: Tenant) async throws {
        for step in definition.steps {
            guard case .send(let assetId, _) = step.kind else { continue }
            let asset = try await assets.asset(tenant: tenant, assetId: assetId)
            guard let asset, asset.archivedAt == nil else {
                throw Self.refusal(
                    JourneyRejection(
                        code: "asset_not_found",
                        message: "Step \(step.id) sends \(assetId), which this brand has no asset of (or archived).",
                        stepId: step.id
                    )
                )
            }
        }
    }

    static func refusal(_ rejection: JourneyRejection) -> APIError {
        var error = APIError(.badRequest, code: rejection.code, message: rejection.message)
        if let stepId = rejection.stepId { error.details["stepId"] = .string(stepId) }
        return error
    }

    private func find(_ context: AdminContext) async throws -> Journey {
        let (tenant, journeyId) = (try context.administeredTenant(), try Self.journeyId(context))
        guard let journey = try await journeys.journey(tenant: tenant, journeyId: journeyId) else {
            throw Self.notFound(journeyId)
        }
        return journey
    }

    static func journeyId(_ context: AdminContext) throws -> String {
        let text = try context.parameters.require("journeyId")
        guard Journey.isId(text) else { throw notFound(text) }
        return text.lowercased()
    }

    static func notFound(_ journeyId: String) -> APIError {
        APIError(.notFound, code: "journey_not_found", message: "This brand has no journey \(journeyId).")
    }

    /// Runs a change of the store, answering its refusals in words.
    private static func answering(_ change: () async throws -> Journey) async throws -> Journey {
        do {
            return try await change()
        } catch let error as JourneyStoreError {
            switch error {
            case .notFound:
                throw APIError(.notFound, code: "journey_not_found", message: "This brand has no such journey.")
            case .archived:
                throw APIError(
                    .conflict,
                    code: "journey_archived",
                    message: "The journey is archived and can no longer change."
                )
            case .noDraft:
                throw APIError(
                    .conflict,
                    code: "no_draft",
                    message: "The journey has no draft to publish: save one first."
                )
            case .notLive:
                throw APIError(
                    .conflict,
                    code: "journey_not_live",
                    message: "The journey was never published: publish it before pausing or resuming it."
                )
            }
        }
    }
}
