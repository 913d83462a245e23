import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of every public route (`OpenAPIDocument.swift`),
/// open to anyone, as the routes it describes are.
struct OpenAPIController: Sendable {
    /// The document's bytes, made once.
    static let bytes = ByteBuffer(string: document)

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
