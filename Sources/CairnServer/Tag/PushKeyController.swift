import CairnCore
import CairnPipeline
import CairnStorage
import HTTPTypes
import Hummingbird

/// `GET /tag/v1/{clientId}/{accountId}/{brandId}/push-key`: the brand's VAPID public key
/// (`{"publicKey": base64url}`), which a browser subscribes to Web Push with
/// (`applicationServerKey`). Public by design, so no token: any page may ask (CORS `*`), and the
/// answer may be cached. The key pair is made the first time it is needed, here or by a send.
struct PushKeyController: Sendable {
    let keyring: VAPIDKeyring
    let brands: any BrandStore
    /// Without a secret key, no brand's VAPID key can be kept.
    let canKeepKeys: Bool

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("tag/v1/:clientId/:accountId/:brandId/push-key", use: self.publicKey)
    }

    @Sendable func publicKey(request: Request, context: CairnRequestContext) async throws -> Response {
        let tenant = try context.pathTenant()
        guard try await brands.brand(tenant) != nil else {
            throw Self.public(APIError(.notFound, code: "brand_not_found", message: "No brand \(tenant) is known."))
        }
        guard canKeepKeys else {
            throw Self.public(
                APIError(
                    .serviceUnavailable,
                    code: "web_push_unavailable",
                    message: "This server has no secret key (CAIRN_SECRET_KEY), so it keeps no VAPID keys for Web Push."
                )
            )
        }
        var response = JSONResponse.make(body: ["publicKey": .string(try await keyring.publicKey(for: tenant))])
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.cacheControl] = "public, max-age=3600"
        return response
    }

    /// A refusal any page may read.
    private static func `public`(_ error: APIError) -> APIError {
        var error = error
        error.headers[.accessControlAllowOrigin] = "*"
        return error
    }
}
