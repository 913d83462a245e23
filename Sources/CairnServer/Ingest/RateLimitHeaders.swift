import CairnCore
import HTTPTypes

/// The `RateLimit-Policy` and `RateLimit` headers (IETF httpapi rate-limit headers draft) and `Retry-After`.
enum RateLimitHeaders {
    // Valid field names as literals: the initializers cannot fail.
    static let policy = HTTPField.Name("RateLimit-Policy")!
    static let state = HTTPField.Name("RateLimit")!

    static func fields(for token: TokenRecord, decision: TokenBucket.Decision) -> HTTPFields {
        let window = Int(max(1, TokenBucket.window(rate: token.rate, burst: token.burst).rounded(.up)))
        var fields: HTTPFields = [policy: "\"token\";q=\(token.burst);w=\(window)"]
        switch decision {
        case .allowed(let remaining):
            let reset = remaining > 0 ? 0 : Int(max(1, (1 / token.rate).rounded(.up)))
            fields[state] = "\"token\";r=\(remaining);t=\(reset)"
        case .limited(let retryAfter):
            let seconds = Int(max(1, retryAfter.rounded(.up)))
            fields[state] = "\"token\";r=0;t=\(seconds)"
            fields[.retryAfter] = String(seconds)
        }
        return fields
    }
}
