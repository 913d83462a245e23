import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `maxBytes`, refused as Cairn refuses bodies: more is
    /// `413 request_too_large` (the connection then closes rather than read the rest), a body
    /// whose HTTP framing is broken `400 malformed_body`. `what` names the request in the sentence.
    func collectBody(upTo maxBytes: Int, what: String) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge,
                code: "request_too_large",
                message: "Request too large: \(what) may be at most \(maxBytes / 1024) KB.",
                headers: [.connection: "close"]
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw APIError.malformedBody
        }
    }
}
