import CairnCore
import Hummingbird

extension IngestSurface {
    /// The Salesmachine API: `api_token` in the query string, or the user name of Basic auth.
    static let salesmachine = IngestSurface(
        metricName: "salesmachine",
        headKey: { request in PresentedKey.queryToken(request) ?? PresentedKey.basicUser(request) },
        keyMayBeInBody: false,
        headStyle: { _ in .salesmachine },
        arrayBodyStyle: nil,
        tenant: { token, _ in try IngestSurface.writeKeyTenant(token) },
        missingKey: { style in IngestSurface.missingWriteKey(style) },
        invalidKey: { style in IngestSurface.invalidWriteKey(style) },
        keyNoun: "key",
        bodyPolicy: { trackMaxBytes in IngestSurface.batchBodyPolicy(trackMaxBytes: trackMaxBytes) },
        tooLarge: { limit in IngestSurface.batchTooLarge(limit) },
        callableFromBrowsers: false
    )
}
