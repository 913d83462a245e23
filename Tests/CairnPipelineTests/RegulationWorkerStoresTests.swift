import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

/// A store that holds personal data takes part in regulations by conforming to
/// `PersonalDataStore` and being listed: the worker walks the plan over every listed store.
@Suite struct RegulationWorkerStoresTests {
    let tenant = EventFixtures.tenant

    /// Holds events of its own: erases them two at a time, cancels and exports some.
    final class OtherEvents: PersonalDataStore {
        let personalData = PersonalData.events
        let calls = Mutex<[String]>([])
        let left = Mutex(3)

        func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
            calls.withLock { $0.append("erase \(subject.customerIds.count) up to \(limit)") }
            return left.withLock { left in
                let erased = min(left, limit)
                left -= erased
                return erased
            }
        }

        func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? {
            calls.withLock { $0.append("cancel") }
            return 4
        }

        func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
            calls.withLock { $0.append("export") }
            return Dictionary(uniqueKeysWithValues: subject.customerIds.map { ($0, ["elsewhere"]) })
        }
    }

    func run(_ type: RegulationType, with other: OtherEvents) async throws -> (Regulation, CairnStores) {
        let stores = try await StoreBackend.sqlite.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let id = EventID.make(at: clock.now()).description
        let subject = RegulationSubject(kind: .userId, value: "u1")
        try await stores.regulations.create(
            Regulation(id: id, tenant: tenant, type: type, subject: subject, requestedBy: nil, requestedAt: clock.now())
        )
        let worker = RegulationWorker(
            store: stores.regulations,
            suppressions: stores.suppressions,
            eventLog: stores.eventLog,
            profiles: stores.profiles,
            personalData: stores.personalData + [other],
            clock: clock,
            requested: WakeSignal(),
            eventSlice: 2,
            logger: Logger(label: "test")
        )
        #expect(try await worker.performNext())
        return (try #require(try await stores.regulations.regulation(id: id, tenant: tenant)), stores)
    }

    @Test func anErasureErasesAListedStoresDataInSlices() async throws {
        let other = OtherEvents()
        let (done, _) = try await run(.delete, with: other)
        #expect(other.calls.withLock { $0 } == ["erase 1 up to 2", "erase 1 up to 2"])
        // The log's 2 events and the other store's 3.
        #expect(done.result?["events"] == 5)
    }

    @Test func aSuppressionCancelsWhatAListedStoreHasWaiting() async throws {
        let other = OtherEvents()
        let (done, _) = try await run(.suppress, with: other)
        #expect(other.calls.withLock { $0 } == ["cancel"])
        #expect(done.result?["eventsCancelled"] == 4)
        #expect(done.result?["messagesCancelled"] == 1)
    }

    @Test func anAccessExportHoldsAListedStoresData() async throws {
        let other = OtherEvents()
        let (done, stores) = try await run(.access, with: other)
        #expect(other.calls.withLock { $0 } == ["export"])
        #expect(done.result?["events"] == 3)
        let bytes = try #require(try await stores.regulations.export(id: done.id, tenant: tenant))
        let events = try #require(try JSONParser.parse(bytes)["customers"]?.arrayValue?.first?["events"]?.arrayValue)
        #expect(events.count == 3)
        #expect(events.last == "elsewhere")
    }
}
