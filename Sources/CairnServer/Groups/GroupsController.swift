import CairnCore
import CairnStorage
import Foundation
import Hummingbird

/// The Groups API: `GET /track/{c}/{a}/{b}/v1/groups/{groupId}`: an account as group calls
/// (Segment `group`, Salesmachine `account`) described it. Its members list it in their
/// profile's `meta` view (`groups`).
struct GroupsController: Sendable {
    let profiles: any ProfileReader

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("groups/:groupId", use: self.show)
    }

    @Sendable func show(request: Request, context: AuthenticatedContext) async throws -> Response {
        let tenant = context.principal.tenant
        // The path segment as sent: `Acme%20Inc%2FEU` is the group `Acme Inc/EU` (a bare `100%` stays as it is).
        let raw = try context.parameters.require("groupId")
        let groupId = raw.removingPercentEncoding ?? raw
        guard let found = try await profiles.group(groupId: groupId, tenant: tenant) else {
            throw APIError(
                .notFound,
                code: "group_not_found",
                message: "No group \"\(groupId)\" in this brand: groups appear once a group call is processed."
            )
        }
        return JSONResponse.make(body: [
            "success": true,
            "groupId": .string(found.groupId),
            "traits": .object(found.traits),
            "firstSeen": .string(found.firstSeen.iso8601),
            "lastSeen": .string(found.lastSeen.iso8601),
        ])
    }
}
