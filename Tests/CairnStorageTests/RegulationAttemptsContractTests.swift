import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// A regulation's attempts on both backends: each claim counts one, a failed attempt keeps its
/// error and holds the regulation back, and one let go at once is not counted.
@Suite struct RegulationAttemptsContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    @Test(arguments: StoreBackend.allCases)
    func claimsCountAttemptsAndAFailedOneKeepsItsError(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let store = stores.regulations
        let id = EventID.make(at: time).description
        let subject = RegulationSubject(kind: .userId, value: "u1")
        try await store.create(
            Regulation(id: id, tenant: tenant, type: .delete, subject: subject, requestedBy: nil, requestedAt: time)
        )
        #expect(try await store.regulation(id: id, tenant: tenant)?.attempts == 0)

        let first = try #require(try await store.claim(at: later(1), leaseUntil: later(100), holder: "a"))
        #expect(first.attempts == 1)
        let error = EventError(code: "regulation_step_failed", message: "It failed.")
        // Only its holder records the failure.
        #expect(try await store.retry(id: id, holder: "b", error: error, retryAt: later(50)) == false)
        #expect(try await store.retry(id: id, holder: "a", error: error, retryAt: later(50)))
        let waiting = try #require(try await store.regulation(id: id, tenant: tenant))
        #expect(waiting.status == .pending)
        #expect(waiting.error == error)
        // Held back until `retryAt`, and no longer the failed holder's.
        #expect(try await store.claim(at: later(49), leaseUntil: later(100), holder: "c") == nil)
        #expect(try await store.renew(id: id, holder: "a", leaseUntil: later(200)) == false)

        let second = try #require(try await store.claim(at: later(50), leaseUntil: later(100), holder: "c"))
        #expect(second.attempts == 2)
        #expect(second.error == error)
        // Let go at once (it waits on earlier events): not counted, and taken again at once.
        #expect(try await store.release(id: id, holder: "x") == false)
        #expect(try await store.release(id: id, holder: "c"))
        let third = try #require(try await store.claim(at: later(51), leaseUntil: later(100), holder: "d"))
        #expect(third.attempts == 2)

        var failed = third
        failed.status = .failed
        failed.completedAt = later(52)
        #expect(try await store.finish(failed, holder: "d", export: nil, eraseSubject: false))
        let ended = try #require(try await store.regulation(id: id, tenant: tenant))
        #expect(ended.status == .failed)
        #expect(ended.error == error)
        #expect(try await store.claim(at: later(1000), leaseUntil: later(2000), holder: "e") == nil)
    }
}
