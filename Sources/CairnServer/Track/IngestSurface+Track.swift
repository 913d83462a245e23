import CairnCore
import Hummingbird

extension IngestSurface {
    /// `/track/{clientId}/{accountId}/{brandId}/v1/…` with an `auth-token` header: the brand is
    /// the path's, which the token must cover; the body is JSON, up to the configured size.
    static let track = IngestSurface(
        metricName: "track",
        headKey: { request in
            guard let key = request.headers[AdmissionMiddleware.tokenHeader], !key.isEmpty else { return nil }
            return key
        },
        keyMayBeInBody: false,
        headStyle: { _ in .cairn },
        arrayBodyStyle: nil,
        tenant: { token, context in
            let tenant = try context.pathTenant()
            guard token.scope.covers(tenant) else { throw APIError.notAuthorised }
            return tenant
        },
        missingKey: { _ in .noToken },
        invalidKey: { _ in .notAuthorised },
        keyNoun: "token",
        bodyPolicy: { trackMaxBytes in
            IngestBodyReader.Policy(maxBytes: trackMaxBytes, requiresJSONContentType: true, decompresses: false)
        },
        tooLarge: { limit in
            // The rest of the body is not read: the connection closes after the answer.
            APIError(
                .contentTooLarge,
                code: "request_too_large",
                message: "Request too large: the body may be at most \(limit) bytes.",
                headers: [.connection: "close"]
            )
        },
        callableFromBrowsers: false
    )
}
