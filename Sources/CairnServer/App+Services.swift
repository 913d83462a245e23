import CairnChannels
import CairnCore
import CairnPipeline
import CairnStorage
import Logging
import Prometheus
import ServiceLifecycle

/// The application's long-lived parts, made once from its configuration: what the routes
/// call (the event log writer, the rate limiter, the channel providers…) and the background
/// services of the node's role.
struct AppServices {
    let configuration: AppConfiguration
    let stores: CairnStores
    let clock: any CairnClock
    let logger: Logger
    let metrics: CairnMetrics
    /// The group-commit writer every ingest route appends through.
    let writer: EventLogWriter
    /// One budget per token, whichever surface it is used on, shared with the other nodes on the database.
    let limiter: RateLimiter
    let providers: ChannelProviders
    /// Brands' VAPID keys for Web Push (the push-key route serves their public halves).
    let keyring: VAPIDKeyring
    let publicURL: String
    /// Seals brands' provider credentials; nil without a secret key.
    let box: SecretBox?
    /// Seals unsubscribe links (and reads those signed before links were sealed); nil without a secret key.
    let signer: UnsubscribeSigner?
    /// The writer rings the processor when it stores events: an idle processor waits, not polls.
    let eventsStored: WakeSignal
    /// An admin asking for a regulation rings this node's regulation worker (others poll).
    let regulationsRequested: WakeSignal

    init(_ configuration: AppConfiguration, dependencies: AppDependencies) {
        var logger = Logger(label: "cairn")
        logger.logLevel = configuration.logLevel
        self.configuration = configuration
        self.stores = dependencies.stores
        self.clock = dependencies.clock
        self.logger = logger
        self.eventsStored = WakeSignal(clock: dependencies.clock)
        self.regulationsRequested = WakeSignal(clock: dependencies.clock)
        self.metrics = CairnMetrics(factory: PrometheusMetricsFactory(registry: dependencies.metrics))
        self.writer = EventLogWriter(
            store: stores.eventLog,
            brands: stores.brands,
            deduplicationWindow: configuration.ingest.messageIdWindow,
            clock: clock,
            metrics: metrics,
            eventsStored: eventsStored,
            logger: logger
        )
        self.limiter = RateLimiter(clock: clock)
        let sending = configuration.sending
        self.publicURL = sending.publicBaseURL(http: configuration.http)
        self.box = sending.secretKey.map(SecretBox.init(key:))
        self.signer = sending.secretKey.map(UnsubscribeSigner.init(key:))
        if sending.secretKey == nil {
            logger.warning(
                "no secret key (CAIRN_SECRET_KEY): brands cannot store providers, and marketing email carries no unsubscribe link"
            )
        }
        if let warning = sending.unsubscribeLinkWarning(http: configuration.http) {
            logger.warning("\(warning)")
        }
        self.keyring = VAPIDKeyring(store: stores.channels, box: box, clock: clock)
        self.providers = ChannelProviders(
            store: stores.channels,
            box: box,
            defaults: sending.defaultProviders,
            brandRules: sending.brandProviderRules,
            publicBaseURL: publicURL,
            keyring: box == nil ? nil : keyring,
            vapidSubject: sending.vapidSubject,
            pdfRenderer: sending.pdfRenderer.map { PDFRenderer(executable: $0) },
            logger: logger
        )
    }

    /// The long-lived services of the node's role, in start order. The stores' own services
    /// (the PostgreSQL pool) come first, so they start first and stop last.
    func services() -> [any Service] {
        var services = stores.services
        if stores.probe.poolUsage != nil {
            services.append(PoolSampler(probe: stores.probe, metrics: metrics, clock: clock))
        }
        if configuration.role.servesAPI {
            services.append(writer)
            if let ledger = stores.rateLimits {
                services.append(RateLimitSync(limiter: limiter, ledger: ledger, clock: clock, logger: logger))
            }
        }
        if configuration.role.runsWorkers { services += workers() }
        return services
    }

    /// The background workers: samplers, pruners, the regulation worker, the event processor
    /// and the outbox dispatcher (the last two when configured).
    private func workers() -> [any Service] {
        // The processor rings it when it queues messages: they leave at once, without polling.
        let messagesQueued = WakeSignal(clock: clock)
        let sending = configuration.sending
        var workers: [any Service] = [
            BacklogSampler(
                processing: stores.processing,
                outbox: stores.outbox,
                journeys: stores.journeyInstances,
                metrics: metrics,
                clock: clock,
                logger: logger
            ),
            MessageIdPruner(
                store: stores.eventLog,
                window: configuration.ingest.messageIdWindow,
                clock: clock,
                logger: logger
            ),
            RegulationWorker(
                store: stores.regulations,
                suppressions: stores.suppressions,
                eventLog: stores.eventLog,
                profiles: stores.profiles,
                personalData: stores.personalData,
                clock: clock,
                requested: regulationsRequested,
                lease: configuration.regulations.lease,
                retry: configuration.regulations.retry,
                metrics: metrics,
                logger: logger
            ),
        ]
        if configuration.processor.enabled {
            let writer = self.writer
            workers.append(
                EventProcessor(
                    store: stores.processing,
                    clock: clock,
                    metrics: metrics,
                    sends: SendContext(
                        defaultChannels: providers.defaultChannels,
                        publicBaseURL: publicURL,
                        unsubscribe: signer,
                        pushDeviceExpiry: configuration.sending.pushDeviceExpiry
                    ),
                    messagesQueued: messagesQueued,
                    eventsStored: eventsStored,
                    batchSize: configuration.processor.batchSize,
                    workers: configuration.processor.workers ?? configuration.storage.database.defaultProcessorWorkers,
                    // Events other nodes store (or this node writes directly) wait at most this.
                    idleDelay: .milliseconds(250),
                    ingestIsBusy: { writer.isBusy },
                    logger: logger
                )
            )
        }
        let sends = SendContext(
            defaultChannels: providers.defaultChannels,
            publicBaseURL: publicURL,
            unsubscribe: signer,
            pushDeviceExpiry: configuration.sending.pushDeviceExpiry
        )
        if configuration.journeysEnabled {
            workers.append(
                JourneyEngine(
                    stores: stores,
                    sends: sends,
                    clock: clock,
                    settings: JourneyEngine.Settings(lease: configuration.journeyLease),
                    messagesQueued: messagesQueued,
                    metrics: metrics,
                    logger: logger
                )
            )
        }
        if sending.enabled {
            workers.append(
                OutboxDispatcher(
                    store: stores.outbox,
                    senders: providers,
                    clock: clock,
                    settings: OutboxDispatcher.Settings(
                        retry: sending.retry,
                        lease: sending.lease,
                        concurrency: sending.concurrency,
                        laneCap: sending.laneCap
                    ),
                    wake: messagesQueued,
                    metrics: metrics,
                    logger: logger
                )
            )
        }
        return workers
    }
}
