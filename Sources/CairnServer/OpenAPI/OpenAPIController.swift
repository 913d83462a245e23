import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of every public route, open to anyone, as the
/// routes it describes are.
///
/// The document is `openapi.json` beside this file, its only copy, compiled into the binary by
/// the EmbedOpenAPIDocument build plugin (as `openAPIDocument`): nothing is read from disk.
/// Tests keep it true: every route the router has must be in it and everything in it must be a
/// route (`OpenAPITests`), and `scripts/check-openapi.sh` runs openapi-spec-validator and
/// schemathesis against a live server.
struct OpenAPIController: Sendable {
    /// The document's bytes, made once.
    static let bytes = ByteBuffer(string: openAPIDocument)

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                body: ResponseBody(byteBuffer: Self.bytes)
            )
        }
    }
}
