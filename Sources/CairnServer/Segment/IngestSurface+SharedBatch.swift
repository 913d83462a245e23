import CairnCore
import Hummingbird

extension IngestSurface {
    /// `POST /v1/batch`, which Segment's and Salesmachine's clients share: an `api_token` in the
    /// query string or a JSON array body is Salesmachine's batch, an object Segment's. Counted
    /// as Segment's in metrics.
    static let sharedBatch = IngestSurface(
        metricName: "segment",
        headKey: { request in PresentedKey.queryToken(request) ?? PresentedKey.basicUser(request) },
        keyMayBeInBody: true,
        headStyle: { request in PresentedKey.queryToken(request) != nil ? .salesmachine : .cairn },
        arrayBodyStyle: .salesmachine,
        tenant: { token, _ in try IngestSurface.writeKeyTenant(token) },
        missingKey: { style in IngestSurface.missingWriteKey(style) },
        invalidKey: { style in IngestSurface.invalidWriteKey(style) },
        keyNoun: "key",
        bodyPolicy: { trackMaxBytes in IngestSurface.batchBodyPolicy(trackMaxBytes: trackMaxBytes) },
        tooLarge: { limit in IngestSurface.batchTooLarge(limit) },
        callableFromBrowsers: true
    )
}
