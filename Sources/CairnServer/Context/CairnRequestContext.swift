import CairnCore
import Hummingbird

/// The request context of every Cairn route: Hummingbird's core storage plus the token that
/// authenticated the request, once the auth middleware has checked it.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `TrackAuthMiddleware` for the Track API routes.
    public var token: TokenRecord?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.token = nil
    }

    /// The client, account and brand named in the path of a Track API route.
    func pathTenant() throws -> Tenant {
        Tenant(
            clientId: try parameters.require("clientId"),
            accountId: try parameters.require("accountId"),
            brandId: try parameters.require("brandId")
        )
    }
}
