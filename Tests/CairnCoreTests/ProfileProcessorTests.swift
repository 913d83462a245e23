import Testing

@testable import CairnCore

@Suite struct ProfileProcessorTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")

    final class Ids {
        var next = 0
        func make() -> String {
            next += 1
            return "customer-\(next)"
        }
    }

    func event(
        _ sequence: Int64,
        _ action: EventAction,
        userId: String? = nil,
        anonymousId: String? = nil,
        name: String? = nil,
        groupId: String? = nil,
        previousId: String? = nil,
        time: Int64 = 1000,
        body: JSONValue = [:]
    ) -> LoggedEvent {
        var fields = body.objectValue ?? [:]
        if let userId { fields["userId"] = .string(userId) }
        if let anonymousId { fields["anonymousId"] = .string(anonymousId) }
        if let name { fields["event"] = .string(name) }
        let at = Timestamp(millisecondsSinceEpoch: time)
        let event = ValidatedEvent(
            action: action,
            eventName: name,
            userId: userId,
            anonymousId: anonymousId,
            originalTimestamp: nil,
            eventTime: at,
            command: nil,
            groupId: groupId,
            previousId: previousId
        )
        let entry = EventLogEntry(
            id: EventID.make(at: at),
            tenant: tenant,
            tokenId: "token",
            event: event,
            receivedAt: at,
            body: JSONValue.object(fields).encoded()
        )
        return LoggedEvent(sequence: sequence, entry: entry)
    }

    func process(
        _ events: [LoggedEvent],
        _ profiles: [CustomerProfile] = [],
        ids: Ids = Ids()
    ) -> ProfileProcessor.Result {
        ProfileProcessor.process(events, snapshot: ProfileSnapshot(profiles), makeCustomerId: ids.make)
    }

    @Test func identifyCreatesAnIdentifiedProfileWithTraitsAndConsent() throws {
        let result = process([
            event(
                1,
                .identify,
                userId: "ABC/123",
                time: 500,
                body: [
                    "traits": [
                        "email": "e@example.com",
                        "marketingPreferences": ["channels": [["channel": "email", "subscribed": true]]],
                    ]
                ]
            )
        ])
        let profile = try #require(result.profiles.first)
        #expect(profile.userId == "ABC/123")
        #expect(profile.identified)
        #expect(profile.email == "e@example.com")
        #expect(profile.consent["email"]?.subscribed == true)
        #expect(profile.firstSeen.millisecondsSinceEpoch == 500)
        #expect(
            result.outcomes == [
                EventOutcome(sequence: 1, status: .processed, customerId: profile.customerId, errors: [])
            ]
        )
    }

    @Test func trackPageAndScreenMoveLastSeenButDoNotIdentify() throws {
        let result = process([
            event(1, .track, userId: "u", name: "Product Added", time: 100),
            event(2, .page, userId: "u", time: 300),
            event(3, .screen, userId: "u", time: 200),
        ])
        let profile = try #require(result.profiles.first)
        #expect(result.profiles.count == 1)
        #expect(!profile.identified)
        #expect(profile.firstSeen.millisecondsSinceEpoch == 100)
        #expect(profile.lastSeen.millisecondsSinceEpoch == 300)
    }

    @Test func aCommandNeedsAnIdentifiedCustomer() {
        let result = process([
            event(1, .track, userId: "u", name: "send_email", body: ["assetId": "welcome"]),
            event(2, .identify, userId: "u", body: ["traits": [:]]),
            event(3, .track, userId: "u", name: "SEND_EMAIL", body: ["assetId": "welcome"]),
        ])
        #expect(result.outcomes.map(\.status) == [.failed, .processed, .failed])
        #expect(result.outcomes[0].errors == [.customerNotIdentified])
        // Once identified, the next check speaks: no such asset.
        #expect(result.outcomes[2].errors.map(\.code) == ["asset_not_found"])
    }

    @Test func anonymousActivityJoinsTheCustomerWhenBothIdsAppear() throws {
        let ids = Ids()
        let first = process(
            [
                event(1, .page, anonymousId: "anon-1", time: 100),
                event(2, .track, anonymousId: "anon-1", name: "Viewed", time: 150),
            ],
            ids: ids
        )
        let anonymous = try #require(first.profiles.first)
        #expect(anonymous.userId == nil)
        #expect(first.outcomes.allSatisfy { $0.customerId == anonymous.customerId })

        // The user is already known; the anonymous profile joins theirs.
        let known = CustomerProfile(
            customerId: "known",
            tenant: tenant,
            userId: "u",
            identified: true,
            firstSeen: Timestamp(millisecondsSinceEpoch: 200),
            lastSeen: Timestamp(millisecondsSinceEpoch: 200)
        )
        let second = process(
            [event(3, .identify, userId: "u", anonymousId: "anon-1", time: 300, body: ["traits": [:]])],
            [known, anonymous],
            ids: ids
        )
        #expect(second.mergedCustomers == [anonymous.customerId: "known"])
        let joined = try #require(second.profiles.first { $0.customerId == "known" })
        #expect(joined.anonymousIds == ["anon-1"])
        #expect(joined.firstSeen.millisecondsSinceEpoch == 100)

        // Later events with the anonymousId alone now reach the customer.
        let third = process([event(4, .page, anonymousId: "anon-1", time: 400)], [joined], ids: ids)
        #expect(third.outcomes[0].customerId == "known")
    }

    @Test func theFirstEventWithBothIdsClaimsTheAnonymousProfileForANewUser() throws {
        let result = process([
            event(1, .page, anonymousId: "anon-1", time: 100),
            event(2, .identify, userId: "u", anonymousId: "anon-1", time: 200, body: ["traits": ["name": "Fred"]]),
            event(3, .page, anonymousId: "anon-1", time: 300),
        ])
        #expect(result.profiles.count == 1)
        let profile = try #require(result.profiles.first)
        #expect(profile.userId == "u")
        #expect(profile.identified)
        #expect(Set(result.outcomes.map(\.customerId)) == [profile.customerId])
    }

    @Test func eventsOfAnAnonymousProfileJoinedInTheSameBatchPointAtTheCustomer() throws {
        let known = CustomerProfile(
            customerId: "known",
            tenant: tenant,
            userId: "u",
            firstSeen: Timestamp(millisecondsSinceEpoch: 1),
            lastSeen: Timestamp(millisecondsSinceEpoch: 1)
        )
        let result = process(
            [event(1, .page, anonymousId: "anon-9"), event(2, .track, userId: "u", anonymousId: "anon-9", name: "x")],
            [known]
        )
        #expect(result.outcomes.map(\.customerId) == ["known", "known"])
        #expect(result.profiles.map(\.customerId) == ["known"])
        #expect(result.mergedCustomers.values.allSatisfy { $0 == "known" })
    }

    @Test func anAnonymousIdOfAnotherUserIsNotStolen() throws {
        let other = CustomerProfile(
            customerId: "other",
            tenant: tenant,
            userId: "someone-else",
            anonymousIds: ["shared-device"],
            firstSeen: Timestamp(millisecondsSinceEpoch: 1),
            lastSeen: Timestamp(millisecondsSinceEpoch: 1)
        )
        let result = process([event(1, .track, userId: "u", anonymousId: "shared-device", name: "x")], [other])
        let created = try #require(result.profiles.first { $0.userId == "u" })
        #expect(created.anonymousIds.isEmpty)
        #expect(result.mergedCustomers.isEmpty)
    }

    @Test func tenantsNeverShareProfiles() {
        let otherBrand = Tenant(clientId: "c", accountId: "a", brandId: "OTHER")
        var foreign = event(2, .track, userId: "u", name: "x")
        foreign.entry.tenant = otherBrand
        let result = process([event(1, .track, userId: "u", name: "x"), foreign])
        #expect(result.profiles.count == 2)
        #expect(result.outcomes[0].customerId != result.outcomes[1].customerId)
    }
}
