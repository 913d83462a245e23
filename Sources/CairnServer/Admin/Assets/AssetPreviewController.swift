import CairnCore
import CairnStorage
import Hummingbird

/// `POST …/assets/{assetId}/preview` `{"version"?: "draft"|"live", "userId"?, "data"?}`: renders
/// the asset with the customer's current profile and `data` as the event's root fields, and
/// answers the rendered fields with `missingTags`, every tag that found no value.
struct AssetPreviewController: Sendable {
    let assets: any AssetStore
    let profiles: any ProfileReader

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.post("assets/:assetId/preview", use: self.preview)
    }

    @Sendable func preview(request: Request, context: AdminContext) async throws -> AssetPreviewAnswer {
        let tenant = try context.administeredTenant()
        let body = try await AdminBody.read(request)
        let asset = try await AssetsController.find(assets, context)
        let which = try body.string("version")
        let version: AssetVersion
        switch which {
        case nil:
            guard let chosen = asset.draft ?? asset.live else {
                throw APIError(.notFound, code: "version_not_found", message: "The asset has no version to preview.")
            }
            version = chosen
        case "draft", "live":
            guard let chosen = which == "draft" ? asset.draft : asset.live else {
                throw APIError(
                    .notFound,
                    code: "version_not_found",
                    message: "The asset has no \(which ?? "") version."
                )
            }
            version = chosen
        case let other?:
            throw APIError(.badRequest, code: "invalid_version", message: "version \"\(other)\" must be draft or live.")
        }
        var customer: CustomerProfile?
        if let userId = try body.string("userId") {
            guard let profile = try await profiles.profile(userId: userId, tenant: tenant) else {
                throw APIError(.notFound, code: "profile_not_found", message: "No customer has the userId \(userId).")
            }
            customer = profile
        }
        let data = MergeData(event: .object(try body.object("data") ?? [:]), customer: customer)
        let rendered: AssetRenderer.Rendered
        do throws(AssetRejection) {
            rendered = try AssetRenderer.render(version.content, channel: asset.channel, data: data)
        } catch {
            throw AssetsController.refusal(error)
        }
        return AssetPreviewAnswer(
            assetId: asset.assetId,
            channel: asset.channel.rawValue,
            version: version.version,
            rendered: rendered.content,
            missingTags: rendered.missingTags
        )
    }
}
