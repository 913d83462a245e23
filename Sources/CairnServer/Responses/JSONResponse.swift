import CairnCore
import Hummingbird

/// Builds `application/json` responses from JSON values or pre-encoded bytes.
enum JSONResponse {
    static func make(status: HTTPResponse.Status = .ok, body: JSONValue) -> Response {
        make(status: status, bytes: body.encoded())
    }

    static func make(status: HTTPResponse.Status = .ok, bytes: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
