import CairnCore
import Hummingbird

/// An API that takes events in. The gateway admits, reads, checks and stores for all of them
/// the same way; what differs is said here, in one value per surface kept beside its controller
/// (`IngestSurface.track` in `Track/`, `.segment` and `.sharedBatch` in `Segment/`,
/// `.salesmachine` in `Salesmachine/`): where a client puts its key, which brand a key writes
/// to, how a body is read, and the words and shape of the refusals. Adding a surface is adding
/// a value; the gateway switches on none of them.
///
/// Everything here is a stored property or a plain, non-capturing function, read on the hot
/// path without allocating.
struct IngestSurface: Sendable {
    /// The surface's name in metrics.
    let metricName: String
    /// The key in the request's head (header or query string); nil when it is not there.
    let headKey: @Sendable (Request) -> String?
    /// Whether a request without a key in its head may carry it in the body (Segment's `writeKey`).
    let keyMayBeInBody: Bool
    /// The answer shape before the body is known.
    let headStyle: @Sendable (Request) -> APIError.Style
    /// The answer shape when the body turns out to be a JSON array, where that decides it (the
    /// shared batch route: an array is Salesmachine's batch); nil where the body never does.
    let arrayBodyStyle: APIError.Style?
    /// The brand `token` writes to through this request, or the refusal.
    let tenant: @Sendable (_ token: TokenRecord, _ context: CairnRequestContext) throws -> Tenant
    /// A request with no key, answered in the given shape.
    let missingKey: @Sendable (APIError.Style) -> APIError
    /// A key that is not a live token, answered in the given shape.
    let invalidKey: @Sendable (APIError.Style) -> APIError
    /// What the surface's clients call their key in a rate-limit refusal ("token", "key").
    let keyNoun: String
    /// How bodies are read, given the configured Track API limit.
    let bodyPolicy: @Sendable (_ trackMaxBytes: Int) -> IngestBodyReader.Policy
    /// A body past the policy's `limit` bytes, in this surface's words.
    let tooLarge: @Sendable (_ limit: Int) -> APIError
    /// Whether web pages call it from any site: CORS on every answer, refusals included.
    let callableFromBrowsers: Bool

    /// The answer shape before the body is known.
    func style(for request: Request) -> APIError.Style { headStyle(request) }

    /// The answer shape once the body is read.
    func style(for request: Request, body: IngestBody) -> APIError.Style {
        if let arrayBodyStyle, case .array = body.json { return arrayBodyStyle }
        return headStyle(request)
    }

    func rateLimited(_ token: TokenRecord) -> APIError {
        APIError(
            .tooManyRequests,
            code: "rate_limit_exceeded",
            message:
                "Rate limit exceeded: this \(keyNoun) may make \(NumberText.of(token.rate)) "
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
}
