public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle

/// Reads what waits, for the gauges an operator alerts on: the events the processor has yet to
/// apply (`cairn_processor_backlog`) and the messages the outbox has yet to send
/// (`cairn_outbox_depth`), every `interval`. On PostgreSQL both count every node's work.
public struct BacklogSampler: Service {
    let processing: any ProcessingStore
    let outbox: any OutboxStore
    let metrics: CairnMetrics
    let interval: Duration
    let clock: any CairnClock
    let logger: Logger

    public init(
        processing: any ProcessingStore,
        outbox: any OutboxStore,
        metrics: CairnMetrics,
        interval: Duration = .seconds(5),
        clock: any CairnClock = SystemClock(),
        logger: Logger
    ) {
        self.processing = processing
        self.outbox = outbox
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
        } catch {
            logger.debug(
                "reading the backlogs for the metrics failed",
                metadata: ["error": "\(String(reflecting: error))"]
            )
        }
    }
}
