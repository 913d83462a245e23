import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Issue 24 on both backends: a start_journey makes an instance in the processor's transaction
/// (or says why it cannot), a due instance is claimed once under a lease, and a step is recorded
/// with its messages only by the claim that holds it.
@Suite struct JourneyInstanceContractTests {
    let time = EventFixtures.receivedAt

    func later(_ seconds: Int64) -> Timestamp { time.adding(.seconds(seconds)) }

    @Test(arguments: StoreBackend.allCases)
    func aStartJourneyMakesAnInstanceDueAtOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: time)
        let instances = try await stores.journeyInstances.instances(eventId: eventId)
        let instance = try #require(instances.first)
        #expect(instances.count == 1)
        #expect(instance.journeyId == journeyId)
        #expect(instance.version == 1)
        #expect(instance.stepId == JourneyFixtures.step(1))
        #expect(instance.isNew)
        #expect(instance.data["bookingId"] == "B1", "the start event's properties are the journey's data")
        #expect(try await stores.journeyInstances.dueCount(now: later(0)) == 1)

        let claimed = try await stores.journeyInstances.claimDue(now: later(1), lease: .seconds(60), limit: 10)
        #expect(claimed.map(\.instance.instanceId) == [instance.instanceId])
        #expect(
            try await stores.journeyInstances.claimDue(now: later(2), lease: .seconds(60), limit: 10).isEmpty,
            "a leased instance is not claimed twice"
        )
        var moved = instance
        moved.stepId = JourneyFixtures.step(2)
        moved.visits = 2
        moved.wakeAt = later(7200)
        let step = JourneyStepRecord(
            at: later(1),
            stepId: JourneyFixtures.step(1),
            type: "send",
            outcome: "sent",
            visit: 1,
            messageIds: ["m-1"]
        )
        let stale = InstanceProgress(attempt: claimed[0].attempt - 1, instance: moved, steps: [step], messages: [])
        #expect(try await !stores.journeyInstances.record(stale, at: later(3)), "an old claim writes nothing")
        let current = InstanceProgress(attempt: claimed[0].attempt, instance: moved, steps: [step], messages: [])
        #expect(try await stores.journeyInstances.record(current, at: later(3)))
        let (saved, steps) = try #require(
            try await stores.journeyInstances.instance(tenant: EventFixtures.tenant, instanceId: instance.instanceId)
        )
        #expect(saved.stepId == JourneyFixtures.step(2))
        #expect(saved.wakeAt == later(7200))
        #expect(steps == [step])
        #expect(try await stores.journeyInstances.claimDue(now: later(7199), lease: .seconds(60), limit: 10).isEmpty)
        // A lease that ends without a record (a node died): claimed again by the next claim.
        #expect(try await stores.journeyInstances.claimDue(now: later(7200), lease: .zero, limit: 10).count == 1)
        let again = try await stores.journeyInstances.claimDue(now: later(7201), lease: .seconds(60), limit: 10)
        #expect(again.count == 1)
        #expect(again.first?.attempt == claimed[0].attempt + 2, "each claim fences the ones before it")
    }

    @Test(arguments: StoreBackend.allCases)
    func aStartJourneyThatCannotBeIsRefusedWithItsCode(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        func code(_ eventId: EventID) async throws -> String? {
            try await stores.eventLog.event(id: eventId, tenant: EventFixtures.tenant)?.errors.first?.code
        }
        let unknown = try await JourneyFixtures.start(Journey.makeId(at: time), userId: "u2", in: stores, at: time)
        #expect(try await code(unknown) == "journey_not_found")
        let badStep = try await JourneyFixtures.start(
            journeyId,
            userId: "u3",
            stepId: "01c318b8-1f16-40b3-9808-709c5c1b44f6",
            in: stores,
            at: time
        )
        #expect(try await code(badStep) == "step_not_found")
        let anonymous = try await JourneyFixtures.start(
            journeyId,
            userId: "u4",
            identified: false,
            in: stores,
            at: time
        )
        #expect(try await code(anonymous) == "customer_not_identified")
        let first = try await JourneyFixtures.start(journeyId, userId: "u5", in: stores, at: time)
        #expect(try await code(first) == nil)
        let again = try await JourneyFixtures.start(journeyId, userId: "u5", in: stores, at: later(1))
        #expect(try await code(again) == "already_in_journey", "after_exit: not while the first is active")
        _ = try await stores.journeys.setPaused(true, tenant: EventFixtures.tenant, journeyId: journeyId, at: later(2))
        let paused = try await JourneyFixtures.start(journeyId, userId: "u6", in: stores, at: later(3))
        #expect(try await code(paused) == "journey_not_live")
    }
}

extension JourneyInstanceContractTests {
    @Test(arguments: StoreBackend.allCases)
    func anErasedCustomersJourneysGoWithThem(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: time)
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        let subject = DataSubject(tenant: EventFixtures.tenant, customerIds: [instance.customerId])
        let profiles = try #require(stores.personalData.first { $0.personalData == .profiles })
        _ = try await profiles.erase(subject, limit: -1, at: later(5))
        #expect(try await stores.journeyInstances.instances(eventId: eventId).isEmpty)
        #expect(try await stores.journeyInstances.claimDue(now: later(6), lease: .seconds(60), limit: 10).isEmpty)
    }
}

extension JourneyInstanceContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aCustomersEventReachesTheInstancesListeningForIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: time)
        let claimed = try #require(
            try await stores.journeyInstances.claimDue(now: later(1), lease: .seconds(60), limit: 10).first
        )
        var waiting = claimed.instance
        waiting.visits = 2
        waiting.stepId = JourneyFixtures.step(2)
        waiting.wakeAt = later(7200)
        waiting.listening = ["booking completed"]
        #expect(
            try await stores.journeyInstances.record(
                InstanceProgress(attempt: claimed.attempt, instance: waiting, steps: [], messages: []),
                at: later(2)
            )
        )
        #expect(try await stores.journeyInstances.claimDue(now: later(3), lease: .seconds(60), limit: 10).isEmpty)

        let token = try await EventFixtures.token(in: stores, at: later(4))
        try await stores.eventLog.append([
            EventFixtures.entry(token: token, name: "Page Viewed", userId: "u1", receivedAt: later(4)),
            EventFixtures.entry(token: token, name: "Booking Completed", userId: "u1", receivedAt: later(5)),
        ])
        try await EventFixtures.processAll(stores, at: later(5), sends: JourneyFixtures.emailContext)
        let told = try await stores.journeyInstances.claimDue(now: later(6), lease: .seconds(60), limit: 10)
        #expect(told.map(\.instance.instanceId) == [claimed.instance.instanceId], "woken by the event, not its timer")
        #expect(told.first?.signals.map(\.eventName) == ["booking completed"])
        var done = waiting
        done.listening = ["booking completed"]
        #expect(
            try await stores.journeyInstances.record(
                InstanceProgress(
                    attempt: try #require(told.first?.attempt),
                    instance: done,
                    steps: [],
                    messages: [],
                    signalsThrough: told.first?.signals.last?.id
                ),
                at: later(7)
            )
        )
        #expect(
            try await stores.journeyInstances.claimDue(now: later(8), lease: .seconds(60), limit: 10).isEmpty,
            "a signal taken in is done with"
        )
        _ = eventId
    }
}

extension JourneyInstanceContractTests {
    @Test(arguments: StoreBackend.allCases)
    func journeysAreExportedEndedWhenSuppressedAndErased(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        let eventId = try await JourneyFixtures.start(journeyId, in: stores, at: time)
        let instance = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        let subject = DataSubject(tenant: EventFixtures.tenant, customerIds: [instance.customerId])
        let journeys = try stores.holding(.journeys)
        let exported = try await journeys.export(subject, page: 100)
        #expect(exported[instance.customerId]?.first?["instanceId"] == .string(instance.instanceId))
        #expect(exported[instance.customerId]?.first?["data"]?["bookingId"] == "B1")
        #expect(try await journeys.cancelWaiting(subject, page: 100, at: later(1)) == 1)
        #expect(try await stores.journeyInstances.instances(eventId: eventId).first?.status == .exited)
        #expect(try await stores.journeyInstances.claimDue(now: later(2), lease: .seconds(60), limit: 10).isEmpty)
        #expect(try await journeys.erase(subject, limit: 100, at: later(3)) == 1)
        #expect(try await stores.journeyInstances.instances(eventId: eventId).isEmpty)
    }
}

extension JourneyInstanceContractTests {
    /// Review of issue 24: an alias that merges a customer on a journey into another moves the
    /// journey with them: the other customer's events reach it, and their erasure removes it.
    @Test(arguments: StoreBackend.allCases)
    func aMergedCustomersJourneysMoveWithThem(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let journeyId = try await JourneyFixtures.liveJourney(in: stores, at: time)
        let eventId = try await JourneyFixtures.start(journeyId, userId: "u1", in: stores, at: time)
        let claimed = try #require(
            try await stores.journeyInstances.claimDue(now: later(1), lease: .seconds(60), limit: 10).first
        )
        var waiting = claimed.instance
        waiting.visits = 2
        waiting.stepId = JourneyFixtures.step(2)
        waiting.wakeAt = later(7200)
        waiting.listening = ["booking completed"]
        #expect(
            try await stores.journeyInstances.record(
                InstanceProgress(attempt: claimed.attempt, instance: waiting, steps: [], messages: []),
                at: later(2)
            )
        )
        let token = try await EventFixtures.token(in: stores, at: later(3))
        try await stores.eventLog.append([
            EventFixtures.entry(
                .identify,
                token: token,
                userId: "u2",
                traits: ["firstName": "Bo"],
                receivedAt: later(3)
            ),
            EventFixtures.entry(.alias, token: token, userId: "u2", previousId: "u1", receivedAt: later(4)),
        ])
        try await EventFixtures.processAll(stores, at: later(4), sends: JourneyFixtures.emailContext)
        let target = try #require(try await stores.profiles.profile(userId: "u2", tenant: EventFixtures.tenant))
        let moved = try #require(try await stores.journeyInstances.instances(eventId: eventId).first)
        #expect(moved.customerId == target.customerId, "the journey is the merged customer's")

        try await stores.eventLog.append([
            EventFixtures.entry(token: token, name: "Booking Completed", userId: "u2", receivedAt: later(5))
        ])
        try await EventFixtures.processAll(stores, at: later(5), sends: JourneyFixtures.emailContext)
        let told = try await stores.journeyInstances.claimDue(now: later(6), lease: .seconds(60), limit: 10)
        #expect(told.first?.signals.map(\.eventName) == ["booking completed"], "their events reach it")

        let subject = DataSubject(tenant: EventFixtures.tenant, customerIds: [target.customerId])
        _ = try await stores.holding(.journeys).erase(subject, limit: 100, at: later(7))
        #expect(try await stores.journeyInstances.instances(eventId: eventId).isEmpty, "their erasure removes it")
    }
}
