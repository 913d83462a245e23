import CairnCore
import Synchronization

/// How a database's connection pool is used, for the metrics: its size, the connections lent
/// out now, the callers waiting for one, and since start how many were lent and how long
/// callers waited in all.
public struct PoolUsage: Sendable, Equatable {
    public var size: Int
    public var inUse: Int
    public var waiting: Int
    public var acquisitions: Int
    public var waitSeconds: Double

    public init(size: Int, inUse: Int = 0, waiting: Int = 0, acquisitions: Int = 0, waitSeconds: Double = 0) {
        self.size = size
        self.inUse = inUse
        self.waiting = waiting
        self.acquisitions = acquisitions
        self.waitSeconds = waitSeconds
    }
}

/// Counts a pool's loans as they happen: `begin` when a caller asks for a connection, `start`
/// when it has one, `end` when it is done (or gave up waiting).
final class PoolUsageCounter: Sendable {
    private let state: Mutex<PoolUsage>
    private let clock: any CairnClock

    init(size: Int, clock: any CairnClock = SystemClock()) {
        state = Mutex(PoolUsage(size: size))
        self.clock = clock
    }

    var usage: PoolUsage { state.withLock { $0 } }

    /// One caller's loan: waiting, then in use, then over.
    final class Loan: Sendable {
        enum Stage { case waiting, inUse, over }
        /// When it was asked for, in the counter's clock's uptime.
        let asked: Double
        let stage = Mutex(Stage.waiting)

        init(asked: Double) {
            self.asked = asked
        }
    }

    func begin() -> Loan {
        state.withLock { $0.waiting += 1 }
        return Loan(asked: clock.uptime())
    }

    func start(_ loan: Loan) {
        let waited = clock.seconds(since: loan.asked)
        let started = loan.stage.withLock { stage in
            guard stage == .waiting else { return false }
            stage = .inUse
            return true
        }
        guard started else { return }
        state.withLock {
            $0.waiting -= 1
            $0.inUse += 1
            $0.acquisitions += 1
            $0.waitSeconds += waited
        }
    }

    func end(_ loan: Loan) {
        let was = loan.stage.withLock { stage in
            defer { stage = .over }
            return stage
        }
        switch was {
        case .waiting: state.withLock { $0.waiting -= 1 }
        case .inUse: state.withLock { $0.inUse -= 1 }
        case .over: break
        }
    }
}
