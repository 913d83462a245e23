import Synchronization

/// What the pool keeps: something that may have been closed by its peer, and closes.
protocol SMTPPooledSession: Sendable {
    var isOpen: Bool { get }
    func close()
}

/// The sessions of one provider: idle ones to reuse, a count of open ones kept at most `limit`,
/// and senders waiting for either. A waiter whose task is cancelled leaves the queue with an
/// error and is handed nothing.
final class SMTPSessionPool<Session: SMTPPooledSession>: Sendable {
    /// What a sender gets: an idle session, or leave to open a new one (a slot is held for it).
    enum Lease: Sendable {
        case idle(Session)
        case open(serial: Int)
    }

    private typealias Waiter = CheckedContinuation<Result<Lease, ProviderError>, Never>

    private struct State {
        var idle: [Session] = []
        var open = 0
        var nextSerial = 1
        var nextWaiterId = 0
        var waiters: [(id: Int, continuation: Waiter)] = []
        var isShutDown = false

        mutating func permit() -> Lease {
            open += 1
            defer { nextSerial += 1 }
            return .open(serial: nextSerial)
        }

        mutating func removeWaiter(_ id: Int) -> Waiter? {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index).continuation
        }
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// An idle session (most recently used first), or a slot to open one, waiting when `limit`
    /// sessions are busy. Idle sessions whose connection has closed are dropped on the way.
    func acquire() async throws(ProviderError) -> Lease {
        let id = state.withLock { state in
            defer { state.nextWaiterId += 1 }
            return state.nextWaiterId
        }
        let stale = Mutex<[Session]>([])
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                let immediate: Result<Lease, ProviderError>? = state.withLock { state in
                    if state.isShutDown { return .failure(Self.shutDownError) }
                    while let session = state.idle.popLast() {
                        if session.isOpen { return .success(.idle(session)) }
                        state.open -= 1
                        stale.withLock { $0.append(session) }
                    }
                    if state.open < limit { return .success(state.permit()) }
                    if Task.isCancelled { return .failure(Self.cancelledError) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.removeWaiter(id) }
            waiter?.resume(returning: .failure(Self.cancelledError))
        }
        for session in stale.withLock({ $0 }) { session.close() }
        return try result.get()
    }

    /// Gives a healthy session back: to a waiting sender, else to the idle list.
    func release(_ session: Session) {
        // The waiter that gets the session, or whether to close it (after shutdown).
        let (waiter, close): (Waiter?, Bool) = state.withLock { state in
            if state.isShutDown {
                state.open -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst().continuation, false) }
            state.idle.append(session)
            return (nil, false)
        }
        if let waiter {
            waiter.resume(returning: .success(.idle(session)))
        } else if close {
            session.close()
        }
    }

    /// Frees the slot of a session that was closed (or never opened); a waiting sender gets it.
    func discard() {
        let handOver: (Waiter, Lease)? = state.withLock { state in
            state.open -= 1
            guard !state.isShutDown, !state.waiters.isEmpty else { return nil }
            return (state.waiters.removeFirst().continuation, state.permit())
        }
        if let (waiter, lease) = handOver { waiter.resume(returning: .success(lease)) }
    }

    /// Refuses new sends, fails the waiting ones and returns the idle sessions for closing.
    func shutDown() -> [Session] {
        let (idle, waiters) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(returning: .failure(Self.shutDownError)) }
        return idle
    }

    /// How many sessions are open or being opened, and how many senders wait (for tests and logs).
    var counts: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    private static var shutDownError: ProviderError {
        .unavailable("the SMTP client has been shut down")
    }

    private static var cancelledError: ProviderError {
        .unavailable("the send was cancelled while waiting for a free SMTP session")
    }
}

extension SMTPSession: SMTPPooledSession {
    var isOpen: Bool { connection.isActive }

    func close() { connection.close() }
}
