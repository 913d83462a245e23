import CairnCore
import CairnStorage
import Hummingbird

/// The Profiles API: `GET /track/{c}/{a}/{b}/v1/profiles/{key}:{value}/{traits|meta|events}`.
///
/// `userId:` and `id:` name one customer and answer with that profile's view; `email:` may
/// match several customers and answers `{"profiles":[…]}` with a view of each.
struct ProfilesController: Sendable {
    let profiles: any ProfileReader
    /// Devices not seen for this long are not shown (they are forgotten at the profile's next change).
    let pushDeviceExpiry: Duration
    let clock: any CairnClock

    /// About how much of stored events one page of the `events` view reads and answers (at least one event).
    static let maxPageBytes = 4 * 1024 * 1024

    enum View: String {
        case traits
        case meta
        case events
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("profiles/:lookup/:view", use: self.show)
    }

    @Sendable func show(request: Request, context: AuthenticatedContext) async throws -> Response {
        let tenant = context.principal.tenant
        let lookup = try ProfileLookup(parsing: try context.parameters.require("lookup"))
        let viewName = try context.parameters.require("view")
        guard let view = View(rawValue: viewName) else {
            throw APIError(.notFound, code: "unknown_view", message: "Use traits, meta or events after the profile.")
        }
        let paging = view == .events ? try QueryReader.paging(FormQuery(request.uri.query)) : (0, 0)

        let found: [CustomerProfile]
        switch lookup.key {
        case .userId: found = try await profiles.profile(userId: lookup.value, tenant: tenant).map { [$0] } ?? []
        case .id: found = try await profiles.profile(customerId: lookup.value, tenant: tenant).map { [$0] } ?? []
        case .email: found = try await profiles.profiles(email: lookup.value, tenant: tenant)
        }
        guard !found.isEmpty else {
            throw APIError(
                .notFound,
                code: "profile_not_found",
                message: "No customer with \(lookup.key.rawValue) \(lookup.value) was found for this brand."
            )
        }

        var bodies: [JSONValue] = []
        // One budget for the whole answer, however many customers an email: lookup matches.
        var budget = Self.maxPageBytes
        for profile in found {
            switch view {
            case .traits: bodies.append(ProfileBody.traits(profile))
            case .meta: bodies.append(ProfileBody.meta(profile, deviceExpiry: pushDeviceExpiry, now: clock.now()))
            case .events:
                let events = try await profiles.timeline(
                    customerId: profile.customerId,
                    tenant: tenant,
                    from: paging.0,
                    size: paging.1,
                    maxBytes: max(budget, 1)
                )
                budget -= events.reduce(0) { $0 + $1.entry.body.count }
                var body = ProfileBody.events(profile, events)
                // Where the next page starts: a page of large events may hold fewer than `size`.
                body = body.filling(defaults: ["nextFrom": .number(String(paging.0 + events.count))])
                bodies.append(body)
            }
        }
        var answer: JSONValue
        if lookup.key == .email {
            answer = ["success": true, "profiles": .array(bodies)]
        } else {
            answer = bodies[0].filling(defaults: ["success": true])
        }
        if view == .events {
            answer = answer.filling(defaults: ["from": .number(String(paging.0)), "size": .number(String(paging.1))])
        }
        return JSONResponse.make(body: answer)
    }
}
