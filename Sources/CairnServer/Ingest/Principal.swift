public import CairnCore
import HTTPTypes

/// Who an admitted ingest request writes as: the token that authenticated it, the brand its
/// events belong to, and the rate-limit headers every answer to it carries.
public struct Principal: Sendable {
    public var token: TokenRecord
    public var tenant: Tenant
    var rateLimitHeaders: HTTPFields
}
