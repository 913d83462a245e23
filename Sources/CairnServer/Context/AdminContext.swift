public import CairnCore
public import Hummingbird

/// The context of every admin route: it exists only once `AdminAuthMiddleware` found a live
/// admin token, so an admin handler cannot run without one.
public struct AdminContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let adminToken: AdminTokenRecord

    public init(context: CairnRequestContext) throws {
        guard let adminToken = context.adminToken else {
            // Only a route wired without `AdminAuthMiddleware` gets here: a fault of ours, answered 500.
            throw AuthenticatedContext.MissingAdmission()
        }
        self.coreContext = context.coreContext
        self.adminToken = adminToken
    }
}
