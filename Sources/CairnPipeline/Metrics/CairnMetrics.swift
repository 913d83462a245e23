public import CairnStorage
public import CoreMetrics
import Synchronization

/// What Cairn counts and times, through swift-metrics: the server hands it a Prometheus factory
/// (`/metrics`), tests and tools a no-op one. Metrics are looked up by name and dimensions each
/// time; the factory keeps one of each.
public struct CairnMetrics: Sendable {
    let factory: any MetricsFactory
    /// The metrics counted on every request, made once per set of labels.
    private let perRequest = PerRequest()

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// A request's metrics, kept by their labels: making them anew each time (a factory lookup,
    /// names checked, an allocation) would cost every request more than counting does.
    private final class PerRequest: Sendable {
        struct HTTPKey: Hashable, Sendable {
            var route: String
            var method: String
            var status: Int
        }
        struct HTTPMetrics: @unchecked Sendable {
            // Counter and Timer are thread-safe reference types (their handlers lock); held here once made.
            var requests: Counter
            var duration: Timer
        }
        struct Accepted: @unchecked Sendable {
            // As above.
            var counter: Counter
        }
        let http = Mutex<[HTTPKey: HTTPMetrics]>([:])
        let accepted = Mutex<[String: Accepted]>([:])
    }

    /// Counts and times nothing.
    public static let none = CairnMetrics(factory: NOOPMetricsHandler.instance)

    /// An HTTP answer: by route template (`unmatched` for none), method and status.
    public func httpRequest(route: String, method: String, status: Int, seconds: Double) {
        let key = PerRequest.HTTPKey(route: route, method: method, status: status)
        let metrics = Self.kept(key, in: perRequest.http) {
            let dimensions = [("route", route), ("method", method)]
            return PerRequest.HTTPMetrics(
                requests: Counter(
                    label: "cairn_http_requests_total",
                    dimensions: dimensions + [("status", String(status))],
                    factory: factory
                ),
                duration: Timer(label: "cairn_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            )
        }
        metrics.requests.increment()
        metrics.duration.recordSeconds(seconds)
    }

    /// Events taken in and acknowledged, by surface (`track`, `segment`, `salesmachine`).
    public func eventsAccepted(surface: String, count: Int) {
        let accepted = Self.kept(surface, in: perRequest.accepted) {
            PerRequest.Accepted(
                counter: Counter(
                    label: "cairn_events_accepted_total",
                    dimensions: [("surface", surface)],
                    factory: factory
                )
            )
        }
        accepted.counter.increment(by: count)
    }

    /// The value kept under `key`, made by `make` the first time.
    private static func kept<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key,
        in table: borrowing Mutex<[Key: Value]>,
        make: () -> sending Value
    ) -> Value {
        if let value = table.withLock({ $0[key] }) { return value }
        let made = make()
        return table.withLock { kept in
            if let value = kept[key] { return value }
            kept[key] = made
            return made
        }
    }

    /// One group commit of the event log: how many events, how long, whether it was stored.
    public func groupCommit(events: Int, seconds: Double, stored: Bool) {
        Recorder(label: "cairn_group_commit_events", factory: factory).record(events)
        Timer(label: "cairn_group_commit_duration_seconds", factory: factory).recordSeconds(seconds)
        if !stored { Counter(label: "cairn_group_commit_failures_total", factory: factory).increment() }
    }

    /// Events applied to profiles, and how long after their receipt each was.
    public func processed(count: Int, lagSeconds: [Double]) {
        Counter(label: "cairn_events_processed_total", factory: factory).increment(by: count)
        let lag = Timer(label: "cairn_processor_lag_seconds", factory: factory)
        for seconds in lagSeconds { lag.recordSeconds(seconds) }
    }

    /// One delivery attempt: its channel and what came of it (`sent`, `retry`, `failed`, `dead`).
    public func sendAttempt(channel: String, outcome: String, seconds: Double) {
        Counter(
            label: "cairn_messages_total",
            dimensions: [("channel", channel), ("outcome", outcome)],
            factory: factory
        ).increment()
        Timer(label: "cairn_send_duration_seconds", dimensions: [("channel", channel)], factory: factory)
            .recordSeconds(seconds)
    }

    /// Events waiting for the processor.
    public func processorBacklog(_ count: Int) {
        Gauge(label: "cairn_processor_backlog", factory: factory).record(count)
    }

    /// One journey step taken: its type (`send`, `wait`, …) and outcome (`sent`, `waiting`, `yes`,
    /// a send's refusal code…).
    public func journeyStep(type: String, outcome: String) {
        Counter(
            label: "cairn_journey_steps_total",
            dimensions: [("type", type), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    /// Journey instances whose wake time has come and that wait to be stepped.
    public func journeyTimersDue(_ count: Int) {
        Gauge(label: "cairn_journey_timers_due", factory: factory).record(count)
    }

    /// Messages waiting in the outbox (queued or being sent).
    public func outboxDepth(_ count: Int) {
        Gauge(label: "cairn_outbox_depth", factory: factory).record(count)
    }

    /// A regulation carried out, by type, and how long it waited from request to done.
    public func regulationDone(type: String, seconds: Double) {
        Counter(label: "cairn_regulations_done_total", dimensions: [("type", type)], factory: factory).increment()
        Timer(label: "cairn_regulation_duration_seconds", dimensions: [("type", type)], factory: factory)
            .recordSeconds(seconds)
    }

    /// The database's connection pool: its size, connections in use, callers waiting, and since
    /// `previous` (the last sample) the connections lent and the seconds callers waited for them.
    public func pool(_ usage: PoolUsage, previous: PoolUsage?) {
        Gauge(label: "cairn_db_pool_size", factory: factory).record(usage.size)
        Gauge(label: "cairn_db_pool_in_use", factory: factory).record(usage.inUse)
        Gauge(label: "cairn_db_pool_waiting", factory: factory).record(usage.waiting)
        let acquired = usage.acquisitions - (previous?.acquisitions ?? 0)
        if acquired > 0 {
            Counter(label: "cairn_db_pool_acquisitions_total", factory: factory).increment(by: acquired)
        }
        let waited = usage.waitSeconds - (previous?.waitSeconds ?? 0)
        if waited > 0 {
            FloatingPointCounter(label: "cairn_db_pool_wait_seconds_total", factory: factory).increment(by: waited)
        }
    }
}
