import CairnCore
import Hummingbird

extension IngestSurface {
    /// Segment's HTTP API: the key as the user name of Basic auth, or `writeKey` in the body.
    static let segment = IngestSurface(
        metricName: "segment",
        headKey: { request in PresentedKey.basicUser(request) },
        keyMayBeInBody: true,
        headStyle: { _ in .cairn },
        arrayBodyStyle: nil,
        tenant: { token, _ in try IngestSurface.writeKeyTenant(token) },
        missingKey: { style in IngestSurface.missingWriteKey(style) },
        invalidKey: { style in IngestSurface.invalidWriteKey(style) },
        keyNoun: "key",
        bodyPolicy: { trackMaxBytes in IngestSurface.batchBodyPolicy(trackMaxBytes: trackMaxBytes) },
        tooLarge: { limit in IngestSurface.batchTooLarge(limit) },
        callableFromBrowsers: true
    )
}
