import CairnCore
import Hummingbird

/// An API that takes events in. The gateway admits, reads, checks and stores for all of them
/// the same way; what differs is said here: where a client puts its key, which brand a key
/// writes to, how a body is read, and the words and shape of the refusals.
enum IngestSurface: Sendable, Hashable {
    /// `/track/{clientId}/{accountId}/{brandId}/v1/…` with an `auth-token` header.
    case track
    /// Segment's HTTP API: the key as the user name of Basic auth, or `writeKey` in the body.
    case segment
    /// The Salesmachine API: `api_token` in the query string, or the user name of Basic auth.
    case salesmachine
    /// `POST /v1/batch`, which Segment's and Salesmachine's clients share: an `api_token` in the
    /// query string or a JSON array body is Salesmachine's batch, an object Segment's.
    case sharedBatch

    /// The surface's name in metrics.
    var metricName: String {
        switch self {
        case .track: return "track"
        case .segment, .sharedBatch: return "segment"
        case .salesmachine: return "salesmachine"
        }
    }

    /// The key in the request's head (header or query string); nil when it is not there.
    func headKey(_ request: Request) -> String? {
        switch self {
        case .track:
            guard let key = request.headers[AdmissionMiddleware.tokenHeader], !key.isEmpty else { return nil }
            return key
        case .segment:
            return PresentedKey.basicUser(request)
        case .salesmachine, .sharedBatch:
            return PresentedKey.queryToken(request) ?? PresentedKey.basicUser(request)
        }
    }

    /// Whether a request without a key in its head may carry it in the body (Segment's `writeKey`).
    var keyMayBeInBody: Bool { self == .segment || self == .sharedBatch }

    /// The answer shape before the body is known.
    func style(for request: Request) -> APIError.Style {
        switch self {
        case .track, .segment: return .cairn
        case .salesmachine: return .salesmachine
        case .sharedBatch: return PresentedKey.queryToken(request) != nil ? .salesmachine : .cairn
        }
    }

    /// The answer shape once the body is read: on the shared batch route an array is Salesmachine's.
    func style(for request: Request, body: IngestBody) -> APIError.Style {
        if self == .sharedBatch, case .array = body.json { return .salesmachine }
        return style(for: request)
    }

    /// The brand `token` writes to through this request, or the refusal.
    func tenant(for token: TokenRecord, context: CairnRequestContext) throws -> Tenant {
        if self == .track {
            let tenant = try context.pathTenant()
            guard token.scope.covers(tenant) else { throw APIError.notAuthorised }
            return tenant
        }
        guard let brandId = token.scope.brandId else {
            throw APIError(
                .forbidden,
                code: "key_not_brand_scoped",
                message: "This token covers every brand of its account; a write key must be a token for one brand "
                    + "(cairn tokens create --brand …)."
            )
        }
        return Tenant(clientId: token.scope.clientId, accountId: token.scope.accountId, brandId: brandId)
    }

    func missingKey(_ style: APIError.Style) -> APIError {
        switch (self, style) {
        case (.track, _):
            return .noToken
        case (_, .salesmachine):
            return APIError(
                .badRequest,
                code: "missing_api_token",
                message: "No api token: send it as api_token in the query string or as the user name of Basic auth."
            )
        default:
            return APIError(
                .unauthorized,
                code: "missing_write_key",
                message: "No write key: send it as the user name of Basic auth (with an empty password) "
                    + "or as writeKey in the body."
            )
        }
    }

    func invalidKey(_ style: APIError.Style) -> APIError {
        switch (self, style) {
        case (.track, _):
            return .notAuthorised
        case (_, .salesmachine):
            return APIError(
                .unauthorized,
                code: "invalid_api_token",
                message: "The api token is not a live Cairn token."
            )
        default:
            return APIError(
                .unauthorized,
                code: "invalid_write_key",
                message: "The write key is not a live Cairn token."
            )
        }
    }

    func rateLimited(_ token: TokenRecord) -> APIError {
        APIError(
            .tooManyRequests,
            code: "rate_limit_exceeded",
            message:
                "Rate limit exceeded: this \(self == .track ? "token" : "key") may make \(NumberText.of(token.rate)) "
                + "requests a second with bursts of \(token.burst). Retry after the Retry-After seconds."
        )
    }

    /// `refusal` (made in Cairn's words) in `style`'s words: the same code where both surfaces
    /// have one, Salesmachine's code for a missing or unknown key.
    func reworded(_ refusal: APIError, style: APIError.Style) -> APIError {
        var reworded: APIError
        switch refusal.code {
        case "missing_write_key": reworded = missingKey(style)
        case "invalid_write_key": reworded = invalidKey(style)
        default: reworded = refusal
        }
        reworded.style = style
        return reworded
    }

    /// How bodies are read: the Track API's size limit and JSON content type, or Segment's
    /// 500 KB of JSON in any content type, compressed or not.
    func bodyPolicy(trackMaxBytes: Int) -> IngestBodyReader.Policy {
        switch self {
        case .track:
            return .init(maxBytes: trackMaxBytes, requiresJSONContentType: true, decompresses: false)
        case .segment, .salesmachine, .sharedBatch:
            return .init(maxBytes: SegmentBatchRules.maxBatchBytes, requiresJSONContentType: false, decompresses: true)
        }
    }

    /// A body that could not be read, in this surface's words.
    func refusal(for failure: IngestBodyError, style: APIError.Style) -> APIError {
        switch failure {
        case .unsupportedMediaType:
            return APIError(
                .unsupportedMediaType,
                code: "unsupported_media_type",
                message: "The content-type header must be application/json."
            )
        case .tooLarge(let limit) where self == .track:
            // The rest of the body is not read: the connection closes after the answer.
            return APIError(
                .contentTooLarge,
                code: "request_too_large",
                message: "Request too large: the body may be at most \(limit) bytes.",
                headers: [.connection: "close"]
            )
        case .tooLarge(let limit):
            return APIError(
                .badRequest,
                code: "request_too_large",
                message: "Request too large: a batch may be at most \(limit / 1024) KB of JSON, one message 32 KB.",
                headers: [.connection: "close"]
            )
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
