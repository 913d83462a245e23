import CairnCore
import CairnStorage
import Hummingbird

/// A brand's assets under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/assets`: `PUT
/// {assetId}` saves a draft version, `POST {assetId}/publish` makes it live, `GET` one or all,
/// `DELETE {assetId}` archives. Another brand's assets are out of sight: the path names the brand.
struct AssetsController: Sendable {
    let assets: any AssetStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("assets", use: self.list)
        group.put("assets/:assetId", use: self.save)
        group.get("assets/:assetId", use: self.show)
        group.delete("assets/:assetId", use: self.archive)
        group.post("assets/:assetId/publish", use: self.publish)
    }

    @Sendable func save(request: Request, context: AdminContext) async throws -> AssetAnswer.One {
        let tenant = try context.administeredTenant()
        let assetId = try Self.assetId(context)
        let body = try await AdminBody.read(request)
        let channel = try body.choice("channel", as: AssetChannel.self)
        let purpose = try body.choice("purpose", as: AssetPurpose.self)
        let freeMarker: Bool
        switch try body.string("syntax") {
        case nil, "mustache": freeMarker = false
        case "freemarker": freeMarker = true
        case let other?:
            throw APIError(
                .badRequest,
                code: "invalid_syntax",
                message: "syntax \"\(other)\" is not known: use mustache (the default) or freemarker."
            )
        }
        let content: JSONValue
        do throws(AssetRejection) {
            content = try AssetContentRules.validate(body.fields["content"], channel: channel, freeMarker: freeMarker)
        } catch {
            throw Self.refusal(error)
        }
        let draft = AssetDraft(
            tenant: tenant,
            assetId: assetId,
            name: try body.string("name"),
            channel: channel,
            purpose: purpose,
            content: content
        )
        let asset = try await Self.answering { try await assets.saveDraft(draft, at: clock.now()) }
        return AssetAnswer.One(asset: .init(asset))
    }

    @Sendable func publish(request: Request, context: AdminContext) async throws -> AssetAnswer.One {
        let (tenant, assetId) = (try context.administeredTenant(), try Self.assetId(context))
        let asset = try await Self.answering {
            try await assets.publish(tenant: tenant, assetId: assetId, at: clock.now())
        }
        return AssetAnswer.One(asset: .init(asset))
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> AssetAnswer.One {
        let asset = try await Self.find(assets, context)
        return AssetAnswer.One(asset: .init(asset))
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> AssetAnswer.List {
        AssetAnswer.List(
            assets: try await assets.assets(tenant: try context.administeredTenant()).map(AssetAnswer.Asset.init)
        )
    }

    @Sendable func archive(request: Request, context: AdminContext) async throws -> AssetAnswer.One {
        let (tenant, assetId) = (try context.administeredTenant(), try Self.assetId(context))
        _ = try await assets.archive(tenant: tenant, assetId: assetId, at: clock.now())
        let asset = try await Self.find(assets, context)
        return AssetAnswer.One(asset: .init(asset))
    }

    /// The asset the path names, or 404 `asset_not_found`.
    static func find(_ assets: any AssetStore, _ context: AdminContext) async throws -> Asset {
        let (tenant, assetId) = (try context.administeredTenant(), try assetId(context))
        guard let asset = try await assets.asset(tenant: tenant, assetId: assetId) else { throw notFound(assetId) }
        return asset
    }

    static func assetId(_ context: AdminContext) throws -> String {
        // Decoded once, as the brand's ids in the path are.
        guard let assetId = TenantIdGrammar.decodePathSegment(try context.parameters.require("assetId")) else {
            throw APIError(
                .badRequest,
                code: "invalid_asset_id",
                message: "An asset id is 1 to 128 letters, digits, '-', '_', '.' or '~'."
            )
        }
        return assetId
    }

    static func notFound(_ assetId: String) -> APIError {
        APIError(.notFound, code: "asset_not_found", message: "This brand has no asset \(assetId).")
    }

    static func refusal(_ rejection: AssetRejection) -> APIError {
        var error = APIError(.badRequest, code: rejection.code, message: rejection.message)
        if let field = rejection.field { error.details["field"] = .string(field) }
        if let line = rejection.line { error.details["line"] = .number(String(line)) }
        if let column = rejection.column { error.details["column"] = .number(String(column)) }
        return error
    }

    /// Runs a change of the store, answering its refusals in words.
    private static func answering(_ change: () async throws -> Asset) async throws -> Asset {
        do {
            return try await change()
        } catch let error as AssetStoreError {
            switch error {
            case .notFound:
                throw APIError(.notFound, code: "asset_not_found", message: "This brand has no such asset.")
            case .archived:
                throw APIError(
                    .conflict,
                    code: "asset_archived",
                    message: "The asset is archived and can no longer change."
                )
            case .noDraft:
                throw APIError(
                    .conflict,
                    code: "no_draft",
                    message: "The asset has no draft to publish: save one first."
                )
            case .channelMismatch(let existing):
                throw APIError(
                    .conflict,
                    code: "asset_channel_fixed",
                    message:
                        "The asset is a \(existing.rawValue) asset; its channel cannot change. Use another assetId."
                )
            }
        }
    }
}
