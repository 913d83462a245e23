import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

/// A regulation whose step keeps failing is taken up again after a backoff, and past its
/// attempts ends `failed`, its last error kept: it is not taken up again.
@Suite struct RegulationWorkerFailureTests {
    let tenant = EventFixtures.tenant

    /// Holds messages of its own, and fails to erase them every time.
    final class BrokenMessages: PersonalDataStore {
        let personalData = PersonalData.messages
        let erasures = Mutex(0)

        func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
            erasures.withLock { $0 += 1 }
            throw StorageError.unreadableRow(table: "elsewhere", detail: "always")
        }

        func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

        func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] { [:] }
    }

    @Test(arguments: StoreBackend.allCases)
    func aStepThatKeepsFailingEndsTheRegulationFailedWithItsError(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let id = EventID.make(at: clock.now()).description
        try await stores.regulations.create(
            Regulation(
                id: id,
                tenant: tenant,
                type: .delete,
                subject: RegulationSubject(kind: .userId, value: "u1"),
                requestedBy: nil,
                requestedAt: clock.now()
            )
        )
        let broken = BrokenMessages()
        let worker = RegulationWorker(
            store: stores.regulations,
            suppressions: stores.suppressions,
            eventLog: stores.eventLog,
            profiles: stores.profiles,
            personalData: stores.personalData + [broken],
            clock: clock,
            requested: WakeSignal(),
            retry: RetryPolicy(maxAttempts: 3, baseSeconds: 10, capSeconds: 10),
            logger: Logger(label: "test")
        )
        let expected = EventError(
            code: "regulation_step_failed",
            message: "The regulation's step \"erase messages\" kept failing: A row of elsewhere cannot be read: "
                + "always. The server's log has the details."
        )
        for attempt in 1...2 {
            #expect(try await worker.performNext())
            let waiting = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
            #expect(waiting.status == .pending)
            #expect(waiting.attempts == attempt)
            #expect(waiting.error == expected)
            // Held back for the backoff (at most 10 s), then taken up again.
            clock.advance(by: .seconds(11))
        }
        #expect(try await worker.performNext())
        let failed = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(failed.status == .failed)
        #expect(failed.error == expected)
        #expect(failed.attempts == 3)
        #expect(failed.completedAt == clock.now())
        #expect(failed.result == nil)
        #expect(broken.erasures.withLock { $0 } == 3)

        // Not taken up again, however long after.
        clock.advance(by: .seconds(3600))
        #expect(try await worker.performNext() == false)
        #expect(broken.erasures.withLock { $0 } == 3)
        #expect(try await stores.regulations.regulation(id: id, tenant: tenant)?.status == .failed)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRegulationTakenUpPastItsAttemptsWithoutAnErrorFails(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        let id = EventID.make(at: clock.now()).description
        try await stores.regulations.create(
            Regulation(
                id: id,
                tenant: tenant,
                type: .suppress,
                subject: RegulationSubject(kind: .userId, value: "u1"),
                requestedBy: nil,
                requestedAt: clock.now()
            )
        )
        // Two claims whose nodes died (their leases ended without a word).
        for _ in 1...2 {
            let now = clock.now()
            _ = try #require(
                try await stores.regulations.claim(at: now, leaseUntil: now.adding(.seconds(1)), holder: "x")
            )
            clock.advance(by: .seconds(2))
        }
        let worker = RegulationWorker(
            store: stores.regulations,
            suppressions: stores.suppressions,
            eventLog: stores.eventLog,
            profiles: stores.profiles,
            personalData: stores.personalData,
            clock: clock,
            requested: WakeSignal(),
            retry: RetryPolicy(maxAttempts: 2),
            logger: Logger(label: "test")
        )
        #expect(try await worker.performNext())
        let failed = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(failed.status == .failed)
        #expect(failed.error?.code == "regulation_attempts_exhausted")
        #expect(failed.result == nil)
    }
}
