import CairnCore
import Hummingbird

extension IngestSurface {
    /// A body that could not be read, in this surface's words.
    func refusal(for failure: IngestBodyError, style: APIError.Style) -> APIError {
        switch failure {
        case .unsupportedMediaType:
            return APIError(
                .unsupportedMediaType,
                code: "unsupported_media_type",
                message: "The content-type header must be application/json."
            )
        case .tooLarge(let limit):
            return tooLarge(limit)
        case .unsupportedEncoding(let encoding):
            return APIError(
                .unsupportedMediaType,
                code: "unsupported_content_encoding",
                message: "Content-Encoding \"\(encoding)\" is not supported: send gzip, deflate or none."
            )
        case .corruptCompression:
            return APIError(
                style == .salesmachine ? .notAcceptable : .badRequest,
                code: style == .salesmachine ? "not_json" : "invalid_compressed_body",
                message: "The body could not be decompressed as its Content-Encoding says."
            )
        case .invalidJSON(let rejection) where style == .salesmachine:
            return APIError(.notAcceptable, code: "not_json", message: rejection.message)
        case .invalidJSON(let rejection):
            return APIError.rejected(rejection)
        case .malformed:
            return APIError.malformedBody
        }
    }
}
