public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle

/// Reads what waits, for the gauges an operator alerts on: the events the processor has yet to
/// apply (`cairn_processor_backlog`) and the messages the outbox has yet to send
/// (`cairn_outbox_depth`), and the journey steps due (`cairn_journey_timers_due`), every
/// `interval`. On PostgreSQL they count every node's work.
public struct BacklogSampler: Service {
    let processing: any ProcessingStore
    let outbox: any OutboxStore
    let journeys: (any JourneyInstanceStore)?
    let metrics: CairnMetrics
    let interval: Duration
    let clock: any CairnClock
    let logger: Logger

    public init(
        processing: any ProcessingStore,
        outbox: any OutboxStore,
        journeys: (any JourneyInstanceStore)? = nil,
        metrics: CairnMetrics,
        interval: Duration = .seconds(5),
        clock: any CairnClock = SystemClock(),
        logger: Logger
    ) {
        self.processing = processing
        self.outbox = outbox
        self.journeys = journeys
        self.metrics = metrics
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await sample()
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }

    /// Reads both counts once and records them.
    func sample() async {
        do {
            metrics.processorBacklog(try await processing.backlog())
            metrics.outboxDepth(try await outbox.depth())
            if let journeys { metrics.journeyTimersDue(try await journeys.dueCount(now: clock.now())) }
        } catch {
            logger.debug(
                "reading the backlogs for the metrics failed",
                metadata: ["error": "\(String(reflecting: error))"]
            )
        }
    }
}
