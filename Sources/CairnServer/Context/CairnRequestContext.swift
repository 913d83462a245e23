public import CairnCore
public import Hummingbird

/// The request context of every Cairn route: Hummingbird's core storage, plus what the
/// gateway's admission learns before the handler runs.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AdmissionMiddleware` once the request's key is admitted.
    public var principal: Principal?
    /// Set by `AdmissionMiddleware` when it had to read the body to find the key.
    var preReadBody: IngestBody?
    /// Set by `AdminAuthMiddleware` once the bearer token is a live admin token.
    public var adminToken: AdminTokenRecord?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.preReadBody = nil
        self.adminToken = nil
    }
}
