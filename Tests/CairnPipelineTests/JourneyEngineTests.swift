import CairnCore
import CairnStorage
import CairnTestFixtures
import Logging
import MetricsTestKit
import Testing

@testable import CairnPipeline

/// Issue 24: the engine steps customers through a journey on a clock of the test's own: the
/// first send at once, the wait, the split on the customer as they are when it runs, the second
/// send; every step in the instance's history; a paused journey's customers wait; an archived
/// journey's end.
@Suite struct JourneyEngineTests {
    let clock = ManualClock(start: EventFixtures.receivedAt)

    func engine(_ stores: CairnStores) -> JourneyEngine {
        JourneyEngine(
            stores: stores,
            sends: JourneyFixtures.emailContext,
            clock: clock,
            logger: Logger(label: "journeys")
        )
    }

    func messages(_ stores: CairnStores) async throws -> [OutboxMessage] {
        try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter()).sorted {
            $0.createdAt < $1.createdAt
        }
    }

    @Test func aCustomerGoesThroughSendWaitSplitAndSend() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let eventId = try await JourneyFixtures.start(journeyId, tier: "gold", in: stores, at: clock.now())
        let engine = engine(stores)
        #expect(try await engine.stepDue() == 1)
        let first = try await messages(stores)
        #expect(first.map(\.assetId) == ["hello"])
        #expect(first.first?.eventId == eventId, "a journey's message names the start_journey")
        #expect(first.first?.content["subject"] == "Hello Ada B1", "the journey's data reaches the asset")
        #expect(try await engine.stepDue() == 0, "waiting two hours")

        clock.advance(by: .seconds(7199))
        #expect(try await engine.stepDue() == 0)
        clock.advance(by: .seconds(1))
        #expect(try await engine.stepDue() == 1)
        let all = try await messages(stores)
        #expect(all.map(\.assetId) == ["hello", "gold"])
        #expect(all.last?.content["subject"] == "Gold B1", "the journey's data is also `journey`")

        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        #expect(instance.status == .completed)
        let (_, steps) = try #require(
            try await stores.journeyInstances.instance(tenant: EventFixtures.tenant, instanceId: instance.instanceId)
        )
        #expect(steps.map(\.outcome) == ["sent", "waiting", "waited", "yes", "sent", "completed"])
        #expect(steps.first?.messageIds == [try #require(first.first?.messageId)])
        #expect(try await engine.stepDue() == 0)
    }

    @Test func aSendThatCannotGoIsRecordedAndTheJourneyGoesOn() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        _ = try await stores.assets.archive(tenant: EventFixtures.tenant, assetId: "hello", at: clock.now())
        try await engine(stores).stepDue()
        #expect(try await messages(stores).isEmpty)
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        let (_, steps) = try #require(
            try await stores.journeyInstances.instance(tenant: EventFixtures.tenant, instanceId: instance.instanceId)
        )
        #expect(steps.first?.outcome == "asset_not_found")
        #expect(instance.stepId == JourneyFixtures.step(2), "it waits on")
    }

    @Test func aPausedJourneysCustomersWaitAndAnArchivedOnesEnd() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        _ = try await stores.journeys.setPaused(
            true,
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            at: clock.now()
        )
        let engine = engine(stores)
        try await engine.stepDue()
        #expect(try await messages(stores).isEmpty, "a paused journey sends nothing")
        _ = try await stores.journeys.setPaused(
            false,
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            at: clock.now()
        )
        clock.advance(by: .seconds(30))
        try await engine.stepDue()
        #expect(try await messages(stores).count == 1, "resumed where it waited")
        _ = try await stores.journeys.archive(tenant: EventFixtures.tenant, journeyId: journeyId, at: clock.now())
        clock.advance(by: .seconds(7200))
        try await engine.stepDue()
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        #expect(instance.status == .exited)
        #expect(try await messages(stores).count == 1)
    }
}

/// Issue 24: the customer's later events reach their instances: a wait_for_event matched, an
/// exitOn ending the journey early.
extension JourneyEngineTests {
    /// A track event of `userId` named `name`, processed.
    func track(_ name: String, userId: String = "u1", _ stores: CairnStores) async throws {
        let token = try await EventFixtures.token(in: stores, at: clock.now())
        try await stores.eventLog.append([
            EventFixtures.entry(token: token, name: name, userId: userId, receivedAt: clock.now())
        ])
        try await EventFixtures.processAll(stores, at: clock.now(), sends: JourneyFixtures.emailContext)
    }

    @Test func anExitOnEventEndsTheJourneyBeforeItsNextSend() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let eventId = try await JourneyFixtures.start(journeyId, tier: "gold", in: stores, at: clock.now())
        let engine = engine(stores)
        try await engine.stepDue()
        clock.advance(by: .seconds(60))
        try await track("Page Viewed", stores)
        #expect(try await engine.stepDue() == 0, "an event it does not listen for wakes nothing")
        try await track("BOOKING COMPLETED", stores)
        #expect(try await engine.stepDue() == 1)
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        #expect(instance.status == .exited)
        clock.advance(by: .seconds(7200))
        try await engine.stepDue()
        #expect(try await messages(stores).map(\.assetId) == ["hello"], "no gold offer after the goal")
    }

    @Test func aWaitForEventIsMatchedByTheCustomersEvent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        _ = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let step = JourneyFixtures.step
        let waiting: JSONValue = [
            "name": "Thanks",
            "steps": [
                [
                    "id": .string(step(1)), "type": "wait_for_event", "event": "Order Completed", "timeout": "P1D",
                    "matched": .string(step(2)), "timedOut": .string(step(3)),
                ],
                ["id": .string(step(2)), "type": "send", "assetId": "gold"],
                ["id": .string(step(3)), "type": "send", "assetId": "hello"],
            ],
        ]
        let journeyId = Journey.makeId(at: clock.now())
        _ = try await stores.journeys.create(
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            name: "Thanks",
            definition: waiting,
            at: clock.now()
        )
        _ = try await stores.journeys.publish(tenant: EventFixtures.tenant, journeyId: journeyId, at: clock.now())
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        let engine = engine(stores)
        try await engine.stepDue()
        #expect(try await messages(stores).isEmpty, "waiting for the order")
        clock.advance(by: .seconds(30))
        try await track("order completed", stores)
        #expect(try await engine.stepDue() == 1)
        #expect(try await messages(stores).map(\.assetId) == ["gold"])
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        #expect(instance.status == .completed)
        let (_, steps) = try #require(
            try await stores.journeyInstances.instance(tenant: EventFixtures.tenant, instanceId: instance.instanceId)
        )
        #expect(steps.map(\.outcome) == ["waiting", "matched", "sent", "completed"])
    }
}

/// Issue 24's metrics: steps counted by type and outcome; due timers sampled.
extension JourneyEngineTests {
    @Test func stepsAreCountedAndDueTimersSampled() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        let metrics = TestMetrics()
        let sampler = BacklogSampler(
            processing: stores.processing,
            outbox: stores.outbox,
            journeys: stores.journeyInstances,
            metrics: CairnMetrics(factory: metrics),
            clock: clock,
            logger: Logger(label: "sampler")
        )
        await sampler.sample()
        #expect(try metrics.expectGauge("cairn_journey_timers_due").lastValue == 1)
        let engine = JourneyEngine(
            stores: stores,
            sends: JourneyFixtures.emailContext,
            clock: clock,
            metrics: CairnMetrics(factory: metrics),
            logger: Logger(label: "journeys")
        )
        try await engine.stepDue()
        #expect(
            try metrics.expectCounter("cairn_journey_steps_total", [("type", "send"), ("outcome", "sent")]).totalValue
                == 1
        )
        #expect(
            try metrics.expectCounter("cairn_journey_steps_total", [("type", "wait"), ("outcome", "waiting")])
                .totalValue == 1
        )
        await sampler.sample()
        #expect(try metrics.expectGauge("cairn_journey_timers_due").lastValue == 0)
    }
}

/// Review of issue 24: an event that came after a wait_for_event's timeout does not match it,
/// though the engine runs late; an event awaited later counts from the start.
extension JourneyEngineTests {
    func waitingJourney(_ stores: CairnStores, timeout: String = "P1D") async throws -> String {
        _ = try await JourneyFixtures.liveJourney(in: stores, at: clock.now())
        let step = JourneyFixtures.step
        let definition: JSONValue = [
            "name": "Thanks",
            "steps": [
                ["id": .string(step(1)), "type": "send", "assetId": "hello", "next": .string(step(2))],
                [
                    "id": .string(step(2)), "type": "wait_for_event", "event": "Order Completed",
                    "timeout": .string(timeout), "matched": .string(step(3)), "timedOut": .string(step(4)),
                ],
                ["id": .string(step(3)), "type": "send", "assetId": "gold"],
                ["id": .string(step(4)), "type": "exit"],
            ],
        ]
        let journeyId = Journey.makeId(at: clock.now())
        _ = try await stores.journeys.create(
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            name: "Thanks",
            definition: definition,
            at: clock.now()
        )
        _ = try await stores.journeys.publish(tenant: EventFixtures.tenant, journeyId: journeyId, at: clock.now())
        return journeyId
    }

    @Test func anEventAfterTheTimeoutDoesNotMatchThoughTheEngineIsLate() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await waitingJourney(stores)
        try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        try await engine(stores).stepDue()
        // The engine is down past the timeout; the event comes after it.
        clock.advance(by: .seconds(2 * 86_400))
        try await track("Order Completed", stores)
        try await engine(stores).stepDue()
        #expect(try await messages(stores).map(\.assetId) == ["hello"], "timed out, not matched")
    }

    @Test func anAwaitedEventBeforeTheWaitIsRecordedStillCounts() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await waitingJourney(stores)
        try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        // Before the engine has entered the customer (so before the wait is recorded).
        clock.advance(by: .seconds(1))
        try await track("Order Completed", stores)
        try await engine(stores).stepDue()
        try await engine(stores).stepDue()
        #expect(try await messages(stores).map(\.assetId).sorted() == ["gold", "hello"])
    }

    @Test func aPausedJourneysSignalledCustomersDoNotSpin() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let journeyId = try await waitingJourney(stores)
        try await JourneyFixtures.start(journeyId, in: stores, at: clock.now())
        let engine = engine(stores)
        try await engine.stepDue()
        _ = try await stores.journeys.setPaused(
            true,
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            at: clock.now()
        )
        try await track("Order Completed", stores)
        #expect(try await engine.stepDue() == 0, "a paused journey's told customers wait")
        _ = try await stores.journeys.setPaused(
            false,
            tenant: EventFixtures.tenant,
            journeyId: journeyId,
            at: clock.now()
        )
        #expect(try await engine.stepDue() == 1)
        #expect(try await messages(stores).map(\.assetId).sorted() == ["gold", "hello"])
    }
}
