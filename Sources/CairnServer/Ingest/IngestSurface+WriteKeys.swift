import CairnCore
import Hummingbird

/// What the write-key surfaces (Segment's and Salesmachine's) share: a key is a token for one
/// brand, its refusals are worded by the answer's shape, and bodies are batches of up to
/// 500 KB of JSON in any content type, compressed or not.
extension IngestSurface {
    /// The one brand a write key covers; a token for a whole account is refused.
    static func writeKeyTenant(_ token: TokenRecord) throws -> Tenant {
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

    static func missingWriteKey(_ style: APIError.Style) -> APIError {
        switch style {
        case .salesmachine:
            return APIError(
                .badRequest,
                code: "missing_api_token",
                message: "No api token: send it as api_token in the query string or as the user name of Basic auth."
            )
        case .cairn:
            return APIError(
                .unauthorized,
                code: "missing_write_key",
                message: "No write key: send it as the user name of Basic auth (with an empty password) "
                    + "or as writeKey in the body."
            )
        }
    }

    static func invalidWriteKey(_ style: APIError.Style) -> APIError {
        switch style {
        case .salesmachine:
            return APIError(
                .unauthorized,
                code: "invalid_api_token",
                message: "The api token is not a live Cairn token."
            )
        case .cairn:
            return APIError(
                .unauthorized,
                code: "invalid_write_key",
                message: "The write key is not a live Cairn token."
            )
        }
    }

    /// Segment's limits: 500 KB of JSON in any content type, compressed or not.
    static func batchBodyPolicy(trackMaxBytes _: Int) -> IngestBodyReader.Policy {
        IngestBodyReader.Policy(
            maxBytes: SegmentBatchRules.maxBatchBytes,
            requiresJSONContentType: false,
            decompresses: true
        )
    }

    static func batchTooLarge(_ limit: Int) -> APIError {
        APIError(
            .badRequest,
            code: "request_too_large",
            message: "Request too large: a batch may be at most \(limit / 1024) KB of JSON, one message 32 KB.",
            headers: [.connection: "close"]
        )
    }
}
