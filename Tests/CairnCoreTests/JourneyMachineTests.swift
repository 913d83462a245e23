import CairnCore
import Testing

/// Issue 24: the journey state machine stepped by hand, with a clock of the test's own: every
/// step type, exitOn, and a wait until a time of day across a daylight-saving change.
@Suite struct JourneyMachineTests {
    typealias Machine = JourneyMachine
    static func id(_ n: Int) -> String { JourneyDefinitionTests.id(n) }
    let start = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)  // 2023-11-14T22:13:20Z

    func instance(data: [String: JSONValue] = [:]) -> JourneyInstance {
        JourneyInstance(
            instanceId: "i1",
            tenant: Tenant(clientId: "c", accountId: "a", brandId: "b"),
            journeyId: "6046429d73096e3b2dca973d",
            version: 1,
            customerId: "cust",
            userId: "u1",
            eventId: EventID.make(at: start),
            data: data,
            enteredAt: start
        )
    }

    func customer(tier: String? = nil, emailConsent: Bool = false) -> Machine.Customer {
        var consent: [String: ChannelConsent] = [:]
        if emailConsent { consent["email"] = ChannelConsent(subscribed: true, changedAt: start, statedAt: start) }
        return Machine.Customer(traits: tier.map { ["tier": .string($0)] } ?? [:], consent: consent)
    }

    func advance(
        _ instance: JourneyInstance,
        _ journey: JourneyDefinition,
        _ input: Machine.Input,
        customer: Machine.Customer? = nil,
        timeZone: String = "UTC",
        at time: Timestamp
    ) -> Machine.Progress {
        Machine.advance(
            instance,
            in: journey,
            on: input,
            customer: customer ?? self.customer(),
            timeZone: timeZone,
            at: time
        )
    }

    @Test func theExampleSendsWaitsSplitsAndEnds() throws {
        let journey = try JourneyDefinition(json: JourneyDefinitionTests.example)
        let entered = advance(instance(), journey, .enter(stepId: journey.entryStepId), at: start)
        #expect(entered.sends == [Machine.Send(stepId: Self.id(1), assetId: "reminder-1", visit: 1)])
        #expect(entered.instance.stepId == Self.id(2))
        #expect(entered.instance.wakeAt == start.adding(.seconds(7200)))
        #expect(entered.steps.map(\.outcome) == ["sent", "waiting"])

        let early = advance(entered.instance, journey, .wake, at: start.adding(.seconds(7199)))
        #expect(!early.changed, "a wake before its time changes nothing")

        let gold = advance(
            entered.instance,
            journey,
            .wake,
            customer: customer(tier: "gold"),
            at: start.adding(.seconds(7200))
        )
        #expect(gold.sends == [Machine.Send(stepId: Self.id(4), assetId: "gold-offer", visit: 4)])
        #expect(gold.steps.map(\.outcome) == ["waited", "yes", "sent", "completed"])
        #expect(gold.instance.status == .completed)
        #expect(gold.instance.stepId == nil)

        let plain = advance(
            entered.instance,
            journey,
            .wake,
            customer: customer(tier: "silver"),
            at: start.adding(.seconds(7300))
        )
        #expect(plain.sends.isEmpty)
        #expect(plain.steps.map(\.outcome) == ["waited", "no", "completed"])
    }

    @Test func enteringAtAMiddleStepStartsThere() throws {
        let journey = try JourneyDefinition(json: JourneyDefinitionTests.example)
        let entered = advance(
            instance(),
            journey,
            .enter(stepId: Self.id(3)),
            customer: customer(tier: "gold"),
            at: start
        )
        #expect(entered.sends.map(\.assetId) == ["gold-offer"])
        #expect(entered.instance.status == .completed)
    }

    @Test func anExitOnEventEndsTheInstanceAndOthersAreIgnored() throws {
        let journey = try JourneyDefinition(json: JourneyDefinitionTests.example)
        let entered = advance(instance(), journey, .enter(stepId: journey.entryStepId), at: start)
        let ignored = advance(entered.instance, journey, .event(name: "Page Viewed"), at: start.adding(.seconds(5)))
        #expect(!ignored.changed)
        let exited = advance(
            entered.instance,
            journey,
            .event(name: "BOOKING COMPLETED"),
            at: start.adding(.seconds(9))
        )
        #expect(exited.instance.status == .exited)
        #expect(exited.instance.wakeAt == nil)
        #expect(exited.steps.last?.outcome == "exited")
        #expect(
            !advance(exited.instance, journey, .wake, at: start.adding(.seconds(9000))).changed,
            "an ended instance stays ended"
        )
    }

    func waitForEvent() throws -> JourneyDefinition {
        try JourneyDefinition(
            json: JourneyDefinitionTests.with(steps: [
                [
                    "id": .string(Self.id(1)), "type": "wait_for_event", "event": "Order Completed", "timeout": "P1D",
                    "matched": .string(Self.id(2)), "timedOut": .string(Self.id(3)),
                ],
                ["id": .string(Self.id(2)), "type": "send", "assetId": "thanks"],
                [
                    "id": .string(Self.id(3)), "type": "split",
                    "condition": ["any": [["data": "bookingId", "exists": true], ["consent": "email"]]],
                    "yes": .string(Self.id(4)),
                ],
                ["id": .string(Self.id(4)), "type": "send", "assetId": "nudge"],
            ])
        )
    }

    @Test func aWaitForEventIsMatchedOrTimesOut() throws {
        let journey = try waitForEvent()
        let waiting = advance(instance(data: ["bookingId": "B1"]), journey, .enter(stepId: Self.id(1)), at: start)
        #expect(waiting.instance.awaiting == "Order Completed")
        #expect(waiting.instance.wakeAt == start.adding(.seconds(86_400)))
        let matched = advance(
            waiting.instance,
            journey,
            .event(name: "order completed"),
            at: start.adding(.seconds(60))
        )
        #expect(matched.sends.map(\.assetId) == ["thanks"])
        #expect(matched.steps.first?.outcome == "matched")
        let timedOut = advance(waiting.instance, journey, .wake, at: start.adding(.seconds(86_400)))
        #expect(timedOut.steps.map(\.outcome) == ["timed_out", "yes", "sent", "completed"])
        #expect(timedOut.sends.map(\.assetId) == ["nudge"], "journey data reaches the split")
        let noData = advance(instance(), journey, .enter(stepId: Self.id(1)), at: start)
        let nothing = advance(noData.instance, journey, .wake, at: start.adding(.seconds(86_400)))
        #expect(nothing.sends.isEmpty)
        #expect(nothing.instance.status == .completed)
    }

    @Test func aWaitUntilATimeOfDayKeepsTheWallClockAcrossDaylightSaving() throws {
        let journey = try JourneyDefinition(
            json: JourneyDefinitionTests.with(steps: [
                ["id": .string(Self.id(1)), "type": "wait", "until": "09:00", "next": .string(Self.id(2))],
                ["id": .string(Self.id(2)), "type": "exit"],
            ])
        )
        // Saturday 2026-03-28 12:00 in London (GMT); the clocks go forward on the Sunday at 01:00.
        let saturdayNoon = Timestamp(millisecondsSinceEpoch: 1_774_699_200_000)
        let waiting = advance(
            instance(),
            journey,
            .enter(stepId: Self.id(1)),
            timeZone: "Europe/London",
            at: saturdayNoon
        )
        // Sunday 09:00 BST is 08:00 UTC: 2026-03-29T08:00:00Z.
        #expect(waiting.instance.wakeAt == Timestamp(millisecondsSinceEpoch: 1_774_771_200_000))
        let beforeNine = Timestamp(millisecondsSinceEpoch: 1_774_771_200_000 - 60_000)
        let sameDay = advance(
            instance(),
            journey,
            .enter(stepId: Self.id(1)),
            timeZone: "Europe/London",
            at: beforeNine
        )
        #expect(sameDay.instance.wakeAt == Timestamp(millisecondsSinceEpoch: 1_774_771_200_000), "later that same day")
        let utc = advance(instance(), journey, .enter(stepId: Self.id(1)), timeZone: "UTC", at: saturdayNoon)
        #expect(utc.instance.wakeAt == Timestamp(millisecondsSinceEpoch: 1_774_774_800_000), "09:00 UTC on Sunday")
    }

    @Test func aSplitOnTraitsReadsNumbersListsAndPaths() throws {
        func holds(_ condition: JSONValue, _ traits: [String: JSONValue]) throws -> Bool {
            try JourneyCondition(json: condition).holds(traits: traits, consent: [:], data: [:])
        }
        #expect(try holds(["trait": "nights", "greaterThan": 3], ["nights": 4]))
        #expect(try !holds(["trait": "nights", "greaterThan": 3], ["nights": 3]))
        #expect(try holds(["trait": "nights", "lessThan": 3], ["nights": "2"]))
        #expect(try holds(["trait": "tags", "contains": "vip"], ["tags": ["new", "vip"]]))
        #expect(try holds(["trait": "address.postalCode", "equals": "CH1ABC"], ["address": ["postalCode": "CH1ABC"]]))
        #expect(try holds(["trait": "phone", "exists": false], [:]))
        #expect(
            try holds(
                ["all": [["trait": "a", "equals": "1"], ["trait": "b", "equals": true]]],
                ["a": "1", "b": true]
            )
        )
    }
}
