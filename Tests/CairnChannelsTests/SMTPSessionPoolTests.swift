import Synchronization
import Testing

@testable import CairnChannels

/// The pool's bookkeeping without connections: idle sessions reused, slots capped, waiters served
/// in turn, and a cancelled waiter handed nothing.
@Suite struct SMTPSessionPoolTests {
    final class FakeSession: SMTPPooledSession {
        let id: Int
        private let state = Mutex((open: true, closes: 0))

        init(id: Int) {
            self.id = id
        }

        var isOpen: Bool { state.withLock { $0.open } }
        var closes: Int { state.withLock { $0.closes } }

        func close() {
            state.withLock {
                $0.open = false
                $0.closes += 1
            }
        }

        func drop() { state.withLock { $0.open = false } }
    }

    typealias Pool = SMTPSessionPool<FakeSession>

    static func serial(_ lease: Pool.Lease) -> Int? {
        if case .open(let serial) = lease { return serial }
        return nil
    }

    static func session(_ lease: Pool.Lease) -> FakeSession? {
        if case .idle(let session) = lease { return session }
        return nil
    }

    /// Waits (yielding) until `condition` holds: the pool's state changes on other tasks.
    static func eventually(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func slotsUpToTheLimitThenIdleSessionsMostRecentFirst() async throws {
        let pool = Pool(limit: 2)
        #expect(Self.serial(try await pool.acquire()) == 1)
        #expect(Self.serial(try await pool.acquire()) == 2)
        let first = FakeSession(id: 1)
        let second = FakeSession(id: 2)
        pool.release(first)
        pool.release(second)
        #expect(Self.session(try await pool.acquire()) === second)
        #expect(pool.counts.open == 2)
    }

    @Test func aClosedIdleSessionIsDroppedAndItsSlotReused() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let session = FakeSession(id: 1)
        pool.release(session)
        session.drop()
        #expect(Self.serial(try await pool.acquire()) == 2)
        #expect(session.closes == 1)
        #expect(pool.counts.open == 1)
    }

    @Test func aWaiterGetsTheNextReleasedSession() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 1 }
        let session = FakeSession(id: 1)
        pool.release(session)
        #expect(Self.session(try await waiter.value) === session)
    }

    @Test func aWaiterGetsTheSlotOfADiscardedSession() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 1 }
        pool.discard()
        #expect(Self.serial(try await waiter.value) == 2)
        #expect(pool.counts.open == 1)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndIsHandedNothing() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let cancelled = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 1 }
        cancelled.cancel()
        await #expect(throws: ProviderError.self) { try await cancelled.value }
        #expect(pool.counts.waiting == 0)
        // The session goes to the idle list, not to the cancelled waiter, and is not lost.
        let session = FakeSession(id: 1)
        pool.release(session)
        #expect(pool.counts == (open: 1, idle: 1, waiting: 0))
        #expect(Self.session(try await pool.acquire()) === session)
        #expect(session.closes == 0)
    }

    @Test func aCancelledWaiterBehindAnotherDoesNotTakeItsTurn() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let cancelled = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 1 }
        let patient = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 2 }
        cancelled.cancel()
        await #expect(throws: ProviderError.self) { try await cancelled.value }
        pool.discard()
        #expect(Self.serial(try await patient.value) == 2)
        #expect(pool.counts == (open: 1, idle: 0, waiting: 0))
    }

    @Test func anAlreadyCancelledTaskDoesNotQueue() async throws {
        let pool = Pool(limit: 1)
        _ = try await pool.acquire()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.acquire()
        }
        await #expect(throws: ProviderError.self) { try await task.value }
        #expect(pool.counts.waiting == 0)
    }

    @Test func shutDownFailsWaitersAndHandsBackIdleSessions() async throws {
        let pool = Pool(limit: 2)
        _ = try await pool.acquire()
        _ = try await pool.acquire()
        let idle = FakeSession(id: 1)
        pool.release(idle)
        _ = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        await Self.eventually { pool.counts.waiting == 1 }
        pool.release(idle)
        #expect(Self.session(try await waiter.value) === idle)
        pool.release(idle)
        #expect(pool.shutDown().map(\.id) == [1])
        await #expect(throws: ProviderError.self) { try await pool.acquire() }
        let late = FakeSession(id: 2)
        pool.release(late)
        #expect(late.closes == 1)
    }
}
