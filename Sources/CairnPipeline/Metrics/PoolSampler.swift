public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle

/// Records how the database's connection pool is used (`cairn_db_pool_*`) every `interval`, on
/// every node whatever its role: API nodes borrow connections as much as workers do. A database
/// without a pool (SQLite) has nothing to record: this then only waits for shutdown.
public struct PoolSampler: Service {
    let probe: any DatabaseProbe
    let metrics: CairnMetrics
    let interval: Duration
    let clock: any CairnClock

    public init(
        probe: any DatabaseProbe,
        metrics: CairnMetrics,
        interval: Duration = .seconds(5),
        clock: any CairnClock = SystemClock()
    ) {
        self.probe = probe
        self.metrics = metrics
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        guard probe.poolUsage != nil else {
            try? await gracefulShutdown()
            return
        }
        var previous: PoolUsage?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            previous = sample(since: previous)
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }

    /// Records the pool's use once; returns it, to count from next time.
    @discardableResult
    func sample(since previous: PoolUsage?) -> PoolUsage? {
        guard let usage = probe.poolUsage else { return nil }
        metrics.pool(usage, previous: previous)
        return usage
    }
}
