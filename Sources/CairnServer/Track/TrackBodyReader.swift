import CairnCore
import Hummingbird
import NIOCore

/// Reads a Track API request body under the limits: JSON content type (415), size (413,
/// refused from `Content-Length` before any byte is read where the client sent one) and
/// nesting depth (400). The body is parsed once, here.
struct TrackBodyReader: Sendable {
    let maxBodyBytes: Int
    let maxDepth: Int

    struct Body {
        var bytes: [UInt8]
        var json: JSONValue
    }

    func read(_ request: Request) async throws -> Body {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw APIError(
                .unsupportedMediaType,
                code: "unsupported_media_type",
                message: "The content-type header must be application/json."
            )
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw tooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        let bytes = Array(buffer.readableBytesView)
        do throws(JSONParseError) {
            let json = try JSONParser.parse(bytes, maxDepth: maxDepth)
            return Body(bytes: bytes, json: json)
        } catch {
            switch error {
            case .tooDeep(let limit):
                throw APIError.rejected(
                    EventRejection(.jsonTooDeep, "The JSON is nested deeper than the limit of \(limit) levels.")
                )
            case .invalidSyntax(let offset, let reason):
                throw APIError.rejected(
                    EventRejection(.invalidJSON, "The body is not valid JSON: \(reason) at byte \(offset).")
                )
            }
        }
    }

    private var tooLarge: APIError {
        APIError(
            .contentTooLarge,
            code: "request_too_large",
            message: "Request too large: the body may be at most \(maxBodyBytes) bytes."
        )
    }

    /// `application/json`, with or without parameters such as `; charset=utf-8`, in any case.
    static func isJSON(_ value: String?) -> Bool {
        guard let value else { return false }
        let mediaType = value.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingSpaces().lowercased() == "application/json"
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
