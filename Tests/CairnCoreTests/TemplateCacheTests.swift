import CairnCore
import Testing

/// A send renders a published asset version's templates compiled once: the planner keeps them
/// per tenant, asset and version, and serves them only for that version.
@Suite struct TemplateCacheTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "b")
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func profile(in tenant: Tenant) -> CustomerProfile {
        CustomerProfile(
            customerId: "cust",
            tenant: tenant,
            userId: "u1",
            identified: true,
            traits: ["firstName": "Ann", "phone": "+447700900123"],
            consent: [:],
            firstSeen: now,
            lastSeen: now
        )
    }

    /// An SMS asset whose live version is `version`, its body naming the version.
    func asset(version: Int, in tenant: Tenant? = nil) -> Asset {
        Asset(
            tenant: tenant ?? self.tenant,
            assetId: "welcome",
            name: nil,
            channel: .sms,
            createdAt: now,
            updatedAt: now,
            archivedAt: nil,
            liveVersion: version,
            versions: [
                AssetVersion(
                    version: version,
                    purpose: .transactional,
                    content: ["body": .string("v\(version) for {{customer.firstName}}")],
                    createdAt: now,
                    publishedAt: now
                )
            ]
        )
    }

    func body(_ planner: SendPlanner, _ asset: Asset) throws -> JSONValue? {
        let message = try planner.plan(
            SendPlanner.Request(
                eventId: EventID.make(at: now),
                body: [:],
                channel: .sms,
                assetId: "welcome",
                profile: profile(in: asset.tenant),
                asset: asset,
                brandHasProvider: true
            ),
            makeId: { "m1" },
            at: now
        ).get()
        return message.first?.content.objectValue?["body"]
    }

    @Test func aVersionRenderedAgainIsNotCompiledAgain() throws {
        let planner = SendPlanner(context: .none)
        #expect(try body(planner, asset(version: 1)) == "v1 for Ann")
        #expect(planner.templates.compilations == 1)
        for _ in 0..<3 { #expect(try body(planner, asset(version: 1)) == "v1 for Ann") }
        #expect(planner.templates.compilations == 1)
        // A copy of the planner (as each batch's processor holds) shares the templates.
        let copy = planner
        #expect(try body(copy, asset(version: 1)) == "v1 for Ann")
        #expect(planner.templates.compilations == 1)
    }

    @Test func anotherVersionOrBrandIsNotServedFromAnothersTemplates() throws {
        let planner = SendPlanner(context: .none)
        #expect(try body(planner, asset(version: 1)) == "v1 for Ann")
        #expect(try body(planner, asset(version: 2)) == "v2 for Ann")
        let other = Tenant(clientId: "c", accountId: "a", brandId: "other")
        var elsewhere = asset(version: 1, in: other)
        elsewhere.versions[0].content = ["body": "elsewhere for {{customer.firstName}}"]
        #expect(try body(planner, elsewhere) == "elsewhere for Ann")
        #expect(planner.templates.compilations == 3)
        #expect(try body(planner, asset(version: 1)) == "v1 for Ann")
        #expect(try body(planner, asset(version: 2)) == "v2 for Ann")
        #expect(planner.templates.compilations == 3)
    }

    @Test func aVersionWhoseContentChangedIsCompiledAfresh() throws {
        let planner = SendPlanner(context: .none)
        #expect(try body(planner, asset(version: 1)) == "v1 for Ann")
        // The asset made again under its id: version 1 again, with other content.
        var remade = asset(version: 1)
        remade.versions[0].content = ["body": "remade for {{customer.firstName}}"]
        #expect(try body(planner, remade) == "remade for Ann")
        #expect(planner.templates.compilations == 2)
    }

    @Test func theVersionUsedLongestAgoGoesPastTheCapacity() throws {
        let planner = SendPlanner(context: .none, templates: TemplateCache(capacity: 2))
        for version in [1, 2, 1, 3] { _ = try body(planner, asset(version: version)) }
        #expect(planner.templates.count == 2)
        #expect(planner.templates.compilations == 3)
        // Version 2 went (1 was used after it); 1 and 3 are kept.
        for version in [1, 3] { _ = try body(planner, asset(version: version)) }
        #expect(planner.templates.compilations == 3)
        _ = try body(planner, asset(version: 2))
        #expect(planner.templates.compilations == 4)
    }
}
