import CairnCore
public import Hummingbird

/// The context of every route behind the ingest gateway's admission: it exists only once a
/// principal was admitted, so a handler cannot run without one.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let principal: Principal
    /// The body, when admission had to read it to find the key (Segment's `writeKey`).
    var preReadBody: IngestBody?

    public init(context: CairnRequestContext) throws {
        guard let principal = context.principal else {
            // Only a route wired without `AdmissionMiddleware` gets here: a fault of ours, answered 500.
            throw MissingAdmission()
        }
        self.coreContext = context.coreContext
        self.principal = principal
        self.preReadBody = context.preReadBody
    }

    struct MissingAdmission: Error, CustomStringConvertible {
        var description: String { "a route behind the gateway was reached without AdmissionMiddleware" }
    }
}
