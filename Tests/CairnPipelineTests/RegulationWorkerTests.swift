import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import MetricsTestKit
import Testing

/// The regulation worker on both backends: each type carried out through the stores, what it
/// records, and that it starts when rung.
@Suite struct RegulationWorkerTests {
    let tenant = EventFixtures.tenant

    func worker(
        _ stores: CairnStores,
        clock: ManualClock,
        signal: WakeSignal = WakeSignal(),
        eventSlice: Int = 1000,
        metrics: CairnMetrics = .none
    ) -> RegulationWorker {
        RegulationWorker(
            store: stores.regulations,
            suppressions: stores.suppressions,
            eventLog: stores.eventLog,
            profiles: stores.profiles,
            personalData: stores.personalData,
            clock: clock,
            requested: signal,
            pollInterval: .seconds(600),
            eventSlice: eventSlice,
            metrics: metrics,
            logger: Logger(label: "test")
        )
    }

    func ask(
        _ type: RegulationType,
        _ subject: RegulationSubject,
        in stores: CairnStores,
        clock: ManualClock
    )
        async throws -> String
    {
        let id = EventID.make(at: clock.now()).description
        try await stores.regulations.create(
            Regulation(
                id: id,
                tenant: tenant,
                type: type,
                subject: subject,
                requestedBy: "admin-1",
                requestedAt: clock.now()
            )
        )
        return id
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeletionErasesTheCustomerInSlicesAndRecordsWhatWasDone(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let commands = try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        let access = try await ask(.access, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        let worker = worker(stores, clock: clock, eventSlice: 2)
        #expect(try await worker.performNext())
        #expect(try await stores.regulations.export(id: access, tenant: tenant) != nil)
        clock.advance(by: .seconds(1))
        let id = try await ask(.delete, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        #expect(try await worker.performNext())
        #expect(try await worker.performNext() == false)
        // The earlier access request keeps neither its subject nor its export.
        let earlier = try #require(try await stores.regulations.regulation(id: access, tenant: tenant))
        #expect(earlier.subject.value == nil)
        #expect(earlier.hasExport == false)
        #expect(try await stores.regulations.export(id: access, tenant: tenant) == nil)

        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.status == .done)
        #expect(
            done.result == [
                "customers": 1, "events": 3, "messages": 2, "journeys": 0, "earlierRegulations": 1, "profiles": 1,
            ]
        )
        #expect(done.subject.value == nil)
        #expect(done.subject.digest == RegulationSubject(kind: .userId, value: "u1").digest)
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
        let event = try #require(try await stores.eventLog.event(id: commands[0], tenant: tenant))
        #expect(event.entry.body == Array("{}".utf8))
        // A plain deletion does not suppress: the customer may come back.
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: clock.now())
        try await stores.eventLog.append([EventFixtures.entry(.identify, token: token, userId: "u1")])
        try await EventFixtures.processAll(stores, at: clock.now())
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func suppressWithDeleteKeepsLaterEventsFromRebuildingTheProfile(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: clock.now())
        try await stores.eventLog.append([
            EventFixtures.entry(
                .identify,
                token: token,
                userId: "u1",
                anonymousId: "anon-1",
                traits: ["email": "ada@example.com"]
            )
        ])
        try await EventFixtures.processAll(stores, at: clock.now())
        let id = try await ask(.suppressWithDelete, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        #expect(try await worker(stores, clock: clock).performNext())
        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.result?["profiles"] == 1)
        // u1 (also the subject's own key), anon-1 and the email.
        #expect(done.result?["suppressions"] == 3)
        let later = EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["firstName": "Ada"])
        let byDevice = EventFixtures.entry(.page, token: token, name: "Home", anonymousId: "anon-1")
        let byEmail = EventFixtures.entry(.identify, token: token, userId: "u9", traits: ["email": "ada@example.com"])
        try await stores.eventLog.append([later, byDevice, byEmail])
        try await EventFixtures.processAll(stores, at: clock.now())
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
        #expect(try await stores.eventLog.event(id: later.id, tenant: tenant)?.entry.body == Array("{}".utf8))
        #expect(try await stores.eventLog.event(id: byDevice.id, tenant: tenant)?.entry.body == Array("{}".utf8))
        #expect(
            try await stores.profiles.customers(of: .init(kind: .anonymousId, value: "anon-1"), tenant: tenant)
                .isEmpty
        )
        #expect(try await stores.eventLog.event(id: byEmail.id, tenant: tenant)?.entry.body == Array("{}".utf8))
        #expect(try await stores.profiles.profile(userId: "u9", tenant: tenant) == nil)

        // Unsuppressing by the subject lifts every key the deletion suppressed, profile or not.
        let lift = try await ask(.unsuppress, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        #expect(try await worker(stores, clock: clock).performNext())
        #expect(try await stores.regulations.regulation(id: lift, tenant: tenant)?.result?["suppressionsLifted"] == 3)
        try await stores.eventLog.append([EventFixtures.entry(.identify, token: token, userId: "u1")])
        try await EventFixtures.processAll(stores, at: clock.now())
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func suppressCancelsMessagesStillWaiting(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let commands = try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        let id = try await ask(.suppress, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        clock.advance(by: .seconds(3))
        let metrics = TestMetrics()
        #expect(try await worker(stores, clock: clock, metrics: CairnMetrics(factory: metrics)).performNext())
        #expect(try metrics.expectCounter("cairn_regulations_done_total", [("type", "suppress")]).totalValue == 1)
        #expect(
            try metrics.expectTimer("cairn_regulation_duration_seconds", [("type", "suppress")]).lastValue
                == 3_000_000_000
        )
        #expect(try await stores.regulations.regulation(id: id, tenant: tenant)?.result?["messagesCancelled"] == 2)
        let message = try #require(try await stores.outbox.messages(eventId: commands[0]).first)
        #expect(message.status == .failed)
        #expect(message.error?.code == "customer_suppressed")
        // Suppression keeps the profile.
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func anAccessExportHoldsWhatWasSentIn(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let id = try await ask(.access, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        #expect(try await worker(stores, clock: clock).performNext())
        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.hasExport)
        #expect(done.subject.value == "u1")
        #expect(done.result == ["customers": 1, "events": 2, "messages": 1, "journeys": 0])
        let bytes = try #require(try await stores.regulations.export(id: id, tenant: tenant))
        let export = try JSONParser.parse(bytes)
        #expect(export["subject"]?["userId"] == "u1")
        let customer = try #require(export["customers"]?.arrayValue?.first)
        #expect(customer["userId"] == "u1")
        #expect(customer["traits"]?["firstName"] == "Ada")
        #expect(customer["traits"]?["phone"] == "+44 7700 900123")
        #expect(customer["consent"]?["sms"]?["subscribed"] == true)
        let events = try #require(customer["events"]?.arrayValue)
        #expect(events.count == 2)
        #expect(events.contains { $0["payload"]?["bookingId"] == "B0" })
        let message = try #require(customer["messages"]?.arrayValue?.first)
        #expect(message["content"]?["body"] == "Hi Ada, booking B0")
        #expect(message["to"] == "+447700900123")
        // Access changes nothing.
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnknownSubjectIsDoneWithNothingFound(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let id = try await ask(.delete, .init(kind: .email, value: "nobody@example.com"), in: stores, clock: clock)
        #expect(try await worker(stores, clock: clock).performNext())
        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.status == .done)
        #expect(
            done.result == [
                "customers": 0, "events": 0, "messages": 0, "journeys": 0, "earlierRegulations": 0, "profiles": 0,
            ]
        )
    }

    /// A worker that waits (polling only every ten minutes here) starts when rung.
    @Test func aRingStartsTheWorkerAtOnce() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let signal = WakeSignal()
        let worker = worker(stores, clock: clock, signal: signal)
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        while signal.waiting == 0 { await Task.yield() }
        let id = try await ask(.noTrack, .init(kind: .anonymousId, value: "a1"), in: stores, clock: clock)
        signal.ring()
        var status = RegulationStatus.pending
        for _ in 0..<2000 where status == .pending {
            status = try await stores.regulations.regulation(id: id, tenant: tenant)?.status ?? .pending
            if status == .pending { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(status == .done)
    }

    /// Events received before an erasure but not yet processed would bring the customer back:
    /// the erasure waits for them.
    @Test(arguments: StoreBackend.allCases)
    func anErasureWaitsForTheEventsReceivedBeforeIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        try await SendFixtures.queueSMS(in: stores, at: clock.now(), processed: false)
        let id = try await ask(.delete, .init(kind: .userId, value: "u1"), in: stores, clock: clock)
        let worker = worker(stores, clock: clock)
        #expect(try await worker.performNext() == false)
        #expect(try await stores.regulations.regulation(id: id, tenant: tenant)?.status == .pending)
        try await EventFixtures.processAll(stores, at: clock.now(), sends: SendFixtures.smsContext)
        // Let go at once: taken again without waiting for a lease to end.
        #expect(try await worker.performNext())
        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.result?["profiles"] == 1)
        #expect(done.result?["events"] == 2)
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant) == nil)
    }
}
