import Synchronization

/// The sessions of one provider: idle ones to reuse, a count of open ones kept at most `limit`,
/// and senders waiting for either.
final class SMTPSessionPool: Sendable {
    /// What a sender gets: an idle session, or leave to open a new one (a slot is held for it).
    enum Lease: Sendable {
        case idle(SMTPSession)
        case open(serial: Int)
    }

    private struct State {
        var idle: [SMTPSession] = []
        var open = 0
        var nextSerial = 1
        var waiters: [CheckedContinuation<Result<Lease, SMTPError>, Never>] = []
        var isShutDown = false

        mutating func permit() -> Lease {
            open += 1
            defer { nextSerial += 1 }
            return .open(serial: nextSerial)
        }
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// An idle session (most recently used first), or a slot to open one, waiting when `limit`
    /// sessions are busy. Idle sessions whose connection has closed are dropped on the way.
    func acquire() async throws(SMTPError) -> Lease {
        var stale: [SMTPSession] = []
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Lease, SMTPError>, Never>) in
            let immediate: Result<Lease, SMTPError>? = state.withLock { state in
                if state.isShutDown { return .failure(Self.shutDownError) }
                while let session = state.idle.popLast() {
                    if session.connection.isActive { return .success(.idle(session)) }
                    state.open -= 1
                    stale.append(session)
                }
                if state.open < limit { return .success(state.permit()) }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        for session in stale { session.connection.close() }
        return try result.get()
    }

    /// Gives a healthy session back: to a waiting sender, else to the idle list.
    func release(_ session: SMTPSession) {
        enum Next {
            case handOver(CheckedContinuation<Result<Lease, SMTPError>, Never>)
            case keep
            case close
        }
        let next: Next = state.withLock { state in
            if state.isShutDown {
                state.open -= 1
                return .close
            }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.idle.append(session)
            return .keep
        }
        switch next {
        case .handOver(let waiter): waiter.resume(returning: .success(.idle(session)))
        case .close: session.connection.close()
        case .keep: break
        }
    }

    /// Frees the slot of a session that was closed (or never opened); a waiting sender gets it.
    func discard() {
        let handOver: (CheckedContinuation<Result<Lease, SMTPError>, Never>, Lease)? = state.withLock { state in
            state.open -= 1
            guard !state.isShutDown, !state.waiters.isEmpty else { return nil }
            return (state.waiters.removeFirst(), state.permit())
        }
        if let (waiter, lease) = handOver { waiter.resume(returning: .success(lease)) }
    }

    /// Refuses new sends, fails the waiting ones and returns the idle sessions for closing.
    func shutDown() -> [SMTPSession] {
        let (idle, waiters) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.resume(returning: .failure(Self.shutDownError)) }
        return idle
    }

    private static var shutDownError: SMTPError {
        SMTPError(kind: .transient, message: "the SMTP client has been shut down")
    }
}
