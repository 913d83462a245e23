import CairnCore
import CairnPipeline
import CairnStorage
import Foundation
import Hummingbird

/// Data-protection requests under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/regulations`:
/// `POST` `{"type","subject":{"userId"|"email"|"anonymousId"}}` answers `202` with the pending
/// regulation, which the regulation worker carries out; `GET` lists them (newest first), one,
/// and an access regulation's export.
struct RegulationsController: Sendable {
    let regulations: any RegulationStore
    let brands: any BrandStore
    let clock: any CairnClock
    /// Rung when one is asked for, so this node's worker starts at once.
    let requested: WakeSignal

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.post("regulations", use: self.create)
        group.get("regulations", use: self.list)
        group.get("regulations/:regulationId", use: self.show)
        group.get("regulations/:regulationId/export", use: self.export)
    }

    @Sendable func create(request: Request, context: AdminContext) async throws -> EditedResponse<RegulationAnswer.One>
    {
        let tenant = try context.administeredTenant()
        // A request about a brand Cairn does not know (a typo) would be carried out on nobody.
        guard try await brands.brand(tenant) != nil else {
            throw APIError(.notFound, code: "brand_not_found", message: "No brand \(tenant) is known.")
        }
        let body = try await AdminBody.read(request)
        let types = RegulationType.allCases.map(\.rawValue).joined(separator: ", ")
        guard let typeText = try? body.string("type"), let type = RegulationType(rawValue: typeText)
        else {
            throw APIError(.badRequest, code: "invalid_regulation_type", message: "type must be one of \(types).")
        }
        let regulation = Regulation(
            id: UUID().uuidString.lowercased(),
            tenant: tenant,
            type: type,
            subject: try Self.subject(body),
            requestedBy: context.adminToken.id,
            requestedAt: clock.now()
        )
        try await regulations.create(regulation)
        requested.ring()
        return EditedResponse(status: .accepted, response: RegulationAnswer.One(regulation: .init(regulation)))
    }

    /// The subject: an object with exactly one of userId, email or anonymousId, a non-empty string.
    static func subject(_ body: AdminBody) throws -> RegulationSubject {
        let refusal = APIError(
            .badRequest,
            code: "invalid_subject",
            message: "subject must be an object with exactly one of userId, email or anonymousId, a non-empty string."
        )
        guard case .object(let fields)? = body.fields["subject"], fields.count == 1,
            let (name, value) = fields.first,
            let kind = RegulationSubject.Kind(rawValue: name),
            case .string(let raw) = value
        else { throw refusal }
        // An email as customers give it: the spaces around it are not part of it.
        let text = kind == .email ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        guard !text.isEmpty, text.utf8.count <= 1024 else { throw refusal }
        return RegulationSubject(kind: kind, value: text)
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> RegulationAnswer.List {
        let parameters = FormQuery(request.uri.query)
        try QueryReader.refuseUnknown(parameters, allowed: ["before", "limit"])
        let limit = try QueryReader.limit(parameters, default: 100)
        let before = try QueryReader.before(parameters, naming: "regulation")
        let found = try await regulations.regulations(
            tenant: try context.administeredTenant(),
            limit: limit,
            before: before
        )
        return RegulationAnswer.List(regulations: found.map(RegulationAnswer.Regulation.init))
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> RegulationAnswer.One {
        RegulationAnswer.One(regulation: .init(try await find(context)))
    }

    @Sendable func export(request: Request, context: AdminContext) async throws -> Response {
        let regulation = try await find(context)
        guard regulation.type == .access else {
            throw APIError(
                .notFound,
                code: "no_export",
                message: "Only an access regulation has an export; this one is \(regulation.type.rawValue)."
            )
        }
        guard regulation.status == .done else {
            throw APIError(
                .conflict,
                code: "export_not_ready",
                message: "The export is not ready: the regulation is \(regulation.status.rawValue)."
            )
        }
        let (store, id, tenant) = (regulations, regulation.id, regulation.tenant)
        guard let first = try await store.exportPart(id: id, tenant: tenant, part: 0) else {
            throw APIError(
                .gone,
                code: "export_erased",
                message: "The export was erased: a later erasure of the same customer removed it."
            )
        }
        // Written a part at a time as it is read: neither the store nor the answer holds it whole.
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: first))
            var part = 1
            while let bytes = try await store.exportPart(id: id, tenant: tenant, part: part) {
                try await writer.write(ByteBuffer(bytes: bytes))
                part += 1
            }
            // Erased meanwhile: the answer is cut off (the connection closes), not ended as if whole.
            guard try await store.exportPart(id: id, tenant: tenant, part: 0) != nil else { throw ExportErased() }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json",
                .contentDisposition: "attachment; filename=\"cairn-access-\(regulation.id).json\"",
            ],
            body: body
        )
    }

    private func find(_ context: AdminContext) async throws -> Regulation {
        let id = try context.parameters.require("regulationId")
        guard UUID(uuidString: id) != nil,
            let regulation = try await regulations.regulation(id: id, tenant: try context.administeredTenant())
        else {
            throw APIError(.notFound, code: "regulation_not_found", message: "This brand has no regulation \(id).")
        }
        return regulation
    }
}

/// An export erased while it was being answered.
struct ExportErased: Error {}
