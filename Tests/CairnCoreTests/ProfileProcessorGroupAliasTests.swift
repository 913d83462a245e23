import Testing

@testable import CairnCore

/// Segment's group and alias calls in the processor.
extension ProfileProcessorTests {
    func known(_ customerId: String, userId: String?, anonymousIds: Set<String> = []) -> CustomerProfile {
        CustomerProfile(
            customerId: customerId,
            tenant: tenant,
            userId: userId,
            anonymousIds: anonymousIds,
            identified: userId != nil,
            traits: ["name": .string(customerId)],
            traitTimes: ["name": .number("1")],
            groupIds: ["g-\(customerId)"],
            firstSeen: Timestamp(millisecondsSinceEpoch: 1),
            lastSeen: Timestamp(millisecondsSinceEpoch: 1)
        )
    }

    @Test func aGroupCallPutsTheCustomerInTheGroupAndKeepsItsTraits() throws {
        let result = process([
            event(
                1,
                .group,
                userId: "u",
                groupId: "acme",
                time: 100,
                body: ["traits": ["name": "Acme", "plan": "pro"]]
            ),
            event(2, .group, userId: "u", groupId: "acme", time: 50, body: ["traits": ["plan": "free", "seats": 5]]),
        ])
        let profile = try #require(result.profiles.first)
        #expect(profile.groupIds == ["acme"])
        let group = try #require(result.groups.first)
        #expect(result.groups.count == 1)
        #expect(group.groupId == "acme")
        // Newest event time wins per trait: the older call adds seats but does not undo plan.
        #expect(group.traits == ["name": "Acme", "plan": "pro", "seats": 5])
        #expect(group.firstSeen.millisecondsSinceEpoch == 50)
        #expect(result.outcomes.map(\.status) == [.processed, .processed])
    }

    @Test func anAccountWithNoPersonIsAGroupOnItsOwn() throws {
        let result = process([event(1, .group, groupId: "78910", body: ["traits": ["name": "Acme"]])])
        #expect(result.profiles.isEmpty)
        #expect(result.groups.map(\.groupId) == ["78910"])
        #expect(result.outcomes == [EventOutcome(sequence: 1, status: .processed, customerId: nil, errors: [])])
    }

    @Test func aliasOfAnAnonymousIdGivesItsProfileTheUser() throws {
        let result = process([
            event(1, .page, anonymousId: "anon-1", time: 10),
            event(2, .alias, userId: "u", previousId: "anon-1", time: 20),
            event(3, .track, userId: "u", name: "Bought", time: 30),
        ])
        #expect(result.profiles.count == 1)
        let profile = try #require(result.profiles.first)
        #expect(profile.userId == "u")
        #expect(profile.anonymousIds == ["anon-1"])
        #expect(Set(result.outcomes.map(\.customerId)) == [profile.customerId])
    }

    @Test func aliasWithNoProfileYetRemembersThePreviousId() throws {
        let result = process([
            event(1, .alias, userId: "u", previousId: "old-id"),
            event(2, .track, anonymousId: "old-id", name: "Came back"),
        ])
        #expect(result.profiles.count == 1)
        #expect(result.profiles.first?.anonymousIds == ["old-id"])
        #expect(result.newAnonymousIds[IdentityKey(tenant, "old-id")] == result.profiles.first?.customerId)
        #expect(result.outcomes[0].customerId == result.outcomes[1].customerId)
    }

    @Test func aliasOfTwoKnownCustomersMergesThePreviousIntoTheNew() throws {
        let result = process(
            [
                event(1, .alias, userId: "new-id", previousId: "old-id"),
                // The old userId still finds the customer, as an alias.
                event(2, .track, userId: "old-id", name: "Still me"),
            ],
            [known("A", userId: "old-id", anonymousIds: ["device"]), known("B", userId: "new-id")]
        )
        #expect(result.mergedCustomers == ["A": "B"])
        let merged = try #require(result.profiles.first { $0.customerId == "B" })
        #expect(result.profiles.map(\.customerId) == ["B"])
        #expect(merged.userId == "new-id")
        #expect(merged.anonymousIds == ["device", "old-id"])
        #expect(merged.groupIds == ["g-A", "g-B"])
        #expect(result.newAnonymousIds[IdentityKey(tenant, "old-id")] == "B")
        #expect(result.outcomes.map(\.customerId) == ["B", "B"])
    }

    @Test func aliasOfAKnownCustomerToANewIdRenamesThem() throws {
        let result = process(
            [event(1, .alias, userId: "new-id", previousId: "old-id")],
            [known("A", userId: "old-id")]
        )
        let renamed = try #require(result.profiles.first)
        #expect(renamed.customerId == "A")
        #expect(renamed.userId == "new-id")
        #expect(renamed.anonymousIds == ["old-id"])
        #expect(result.mergedCustomers.isEmpty)
    }

    @Test func aliasWhereBothIdsAreAlreadyOnePersonChangesNothing() throws {
        let result = process(
            [event(1, .alias, userId: "u", previousId: "device")],
            [known("A", userId: "u", anonymousIds: ["device"])]
        )
        #expect(result.mergedCustomers.isEmpty)
        #expect(result.outcomes.map(\.customerId) == ["A"])
    }

    @Test func aLaterEventOfAJoinedAnonymousIdFindsTheUserInTheSameBatch() throws {
        // The anonymous profile is loaded as a store loads it: its anonymousId only in the index.
        let anonymous = CustomerProfile(
            customerId: "anon",
            tenant: tenant,
            userId: nil,
            firstSeen: Timestamp(millisecondsSinceEpoch: 1),
            lastSeen: Timestamp(millisecondsSinceEpoch: 1)
        )
        let snapshot = ProfileSnapshot(
            [anonymous, known("K", userId: "u")],
            anonymousIndex: [IdentityKey(tenant, "a1"): "anon"]
        )
        let result = ProfileProcessor.process(
            [
                event(1, .identify, userId: "u", anonymousId: "a1", body: ["traits": [:]]),
                event(2, .page, anonymousId: "a1"),
            ],
            snapshot: snapshot,
            makeCustomerId: Ids().make
        )
        #expect(result.mergedCustomers == ["anon": "K"])
        #expect(result.outcomes.map(\.customerId) == ["K", "K"])
    }
}

extension ProfileProcessorTests {
    @Test func identifyTraitsInContextAreReadAsRudderStackSendsThem() throws {
        let result = process([
            event(
                1,
                .identify,
                userId: "u",
                body: ["context": ["traits": ["email": "ctx@example.com", "plan": "free"]], "traits": ["plan": "pro"]]
            )
        ])
        let profile = try #require(result.profiles.first)
        #expect(profile.traits == ["email": "ctx@example.com", "plan": "pro"])
        #expect(profile.email == "ctx@example.com")
    }
}
