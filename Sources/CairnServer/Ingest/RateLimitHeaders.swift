import CairnCore
import HTTPTypes

/// The `RateLimit-Policy` and `RateLimit` headers (IETF httpapi rate-limit headers draft) and `Retry-After`.
enum RateLimitHeaders {
    // Valid field names as literals: the initializers cannot fail.
    static let policy = HTTPField.Name("RateLimit-Policy")!
    static let state = HTTPField.Name("RateLimit")!

    static func fields(for token: TokenRecord, decision: TokenBucket.Decision) -> HTTPFields {
        let window = wholeSeconds(TokenBucket.window(rate: token.rate, burst: token.burst))
        var fields: HTTPFields = [policy: "\"token\";q=\(token.burst);w=\(window)"]
        switch decision {
        case .allowed(let remaining):
            let reset = remaining > 0 ? 0 : wholeSeconds(1 / token.rate)
            fields[state] = "\"token\";r=\(remaining);t=\(reset)"
        case .limited(let retryAfter):
            let seconds = wholeSeconds(retryAfter)
            fields[state] = "\"token\";r=0;t=\(seconds)"
            fields[.retryAfter] = String(seconds)
        }
        return fields
    }

    /// Seconds rounded up, from 1 to a year: a token stored before rates were bounded (or any
    /// odd value) cannot make a header overflow.
    static func wholeSeconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds < 31_536_000 else { return 31_536_000 }
        return Int(max(1, seconds.rounded(.up)))
    }
}
