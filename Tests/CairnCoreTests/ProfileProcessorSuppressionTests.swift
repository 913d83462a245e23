import Testing

@testable import CairnCore

/// The processor under suppressions: what is dropped (payload erased), what fails, what goes on.
@Suite struct ProfileProcessorSuppressionTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")
    let base = ProfileProcessorTests()

    func process(
        _ events: [LoggedEvent],
        profiles: [CustomerProfile],
        suppressions: Suppressions
    )
        -> ProfileProcessor.Result
    {
        var snapshot = ProfileSnapshot(profiles)
        snapshot.suppressions = suppressions
        let ids = ProfileProcessorTests.Ids()
        return ProfileProcessor.process(events, snapshot: snapshot, makeCustomerId: ids.make)
    }

    var ada: CustomerProfile {
        CustomerProfile(
            customerId: "ada",
            tenant: tenant,
            userId: "u1",
            identified: true,
            traits: ["email": "Ada@Example.com"],
            firstSeen: Timestamp(millisecondsSinceEpoch: 1),
            lastSeen: Timestamp(millisecondsSinceEpoch: 1)
        )
    }

    @Test func aCustomerSuppressedByEmailIsFoundThroughTheirProfile() {
        let suppressions = Suppressions([(SuppressionKey.email("ada@example.com", tenant: tenant), .suppress)])
        let result = process(
            [
                base.event(1, .track, userId: "u1", name: "Viewed"),
                base.event(2, .track, userId: "u1", name: "SEND_EMAIL", body: ["assetId": "a"]),
                base.event(3, .identify, userId: "u2", body: ["traits": ["email": "ADA@example.com"]]),
                base.event(4, .identify, userId: "u3", body: ["traits": ["email": "bea@example.com"]]),
            ],
            profiles: [ada],
            suppressions: suppressions
        )
        #expect(result.outcomes.map(\.erased) == [true, true, true, false])
        #expect(result.outcomes.map(\.status) == [.processed, .failed, .processed, .processed])
        #expect(result.outcomes[1].errors == [.customerSuppressed])
        #expect(result.outcomes[0].customerId == nil)
        #expect(result.profiles.compactMap(\.userId) == ["u3"])
        #expect(result.messages.isEmpty)
    }

    @Test func noTrackDropsTrackPageAndScreenOnly() {
        let suppressions = Suppressions([(SuppressionKey.identity("anon-1", tenant: tenant), .noTrack)])
        let result = process(
            [
                base.event(1, .track, anonymousId: "anon-1", name: "Viewed"),
                base.event(2, .page, anonymousId: "anon-1"),
                base.event(3, .screen, anonymousId: "anon-1"),
                base.event(4, .identify, anonymousId: "anon-1", body: ["traits": ["plan": "pro"]]),
                base.event(5, .track, anonymousId: "anon-2", name: "Viewed"),
            ],
            profiles: [],
            suppressions: suppressions
        )
        #expect(result.outcomes.map(\.erased) == [true, true, true, false, false])
        #expect(result.outcomes.allSatisfy { $0.status == .processed })
        #expect(result.profiles.count == 2)
    }

    @Test func keysAreDigestsThatIgnoreTheCaseOfEmailsOnly() {
        #expect(SuppressionKey.email("A@B.c", tenant: tenant) == SuppressionKey.email("a@b.C", tenant: tenant))
        #expect(SuppressionKey.identity("U1", tenant: tenant) != SuppressionKey.identity("u1", tenant: tenant))
        #expect(SuppressionKey.identity("x", tenant: tenant) != SuppressionKey.email("x", tenant: tenant))
        let digest = SuppressionKey.identity("u1", tenant: tenant).digest
        // The digest is the SHA-256 of "id:u1", which an operator can check by hand.
        #expect(digest == "1f6620091de56462a558231c814ec3d5761e8b3936c6301c4eba7dedf0d45198")
    }
}
