import CairnChannels
public import CairnCore
import CairnPipeline
public import CairnStorage
public import Hummingbird
import Logging
public import Prometheus

/// What the application is built on, made by its caller: the stores (opened and migrated) and
/// the clock everything reads the time from.
public struct AppDependencies: Sendable {
    public var stores: CairnStores
    public var clock: any CairnClock
    /// Where the metrics are kept, for `/metrics`.
    public var metrics: PrometheusCollectorRegistry
    /// The routes the application registers, filled in when it is built (for tests that check
    /// the OpenAPI document against them).
    package let routes = RouteTable()

    public init(
        stores: CairnStores,
        clock: any CairnClock = SystemClock(),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) {
        self.stores = stores
        self.clock = clock
        self.metrics = metrics
    }
}

/// Builds the Cairn application: the routes of the node's role and its long-lived services.
/// The stores' own services (the PostgreSQL pool) start first and stop last; the HTTP server
/// (added last by Hummingbird) stops first on shutdown, so in-flight requests still reach the
/// event log writer, and the writer still reaches the database.
public func buildApplication(
    _ configuration: AppConfiguration,
    dependencies: AppDependencies
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "cairn")
    logger.logLevel = configuration.logLevel
    let stores = dependencies.stores
    let clock = dependencies.clock
    let metrics = CairnMetrics(factory: PrometheusMetricsFactory(registry: dependencies.metrics))
    // The writer rings the processor when it stores events: an idle processor waits, not polls.
    let eventsStored = WakeSignal()
    let writer = EventLogWriter(
        store: stores.eventLog,
        brands: stores.brands,
        deduplicationWindow: configuration.ingest.messageIdWindow,
        clock: clock,
        metrics: metrics,
        eventsStored: eventsStored,
        logger: logger
    )
    // One budget per token, whichever surface it is used on, shared with the other nodes on the database.
    let limiter = RateLimiter(clock: clock)
    let sending = configuration.sending
    let publicURL = sending.publicBaseURL(http: configuration.http)
    let box = sending.secretKey.map(SecretBox.init(key:))
    let signer = sending.secretKey.map(UnsubscribeSigner.init(key:))
    if sending.secretKey == nil {
        logger.warning(
            "no secret key (CAIRN_SECRET_KEY): brands cannot store providers, and marketing email carries no unsubscribe link"
        )
    }
    let providers = ChannelProviders(
        store: stores.channels,
        box: box,
        defaults: sending.defaultProviders,
        publicBaseURL: publicURL,
        clock: clock,
        logger: logger
    )
    // An admin asking for a regulation rings this node's regulation worker (others poll).
    let regulationsRequested = WakeSignal()
    let router = Router(context: CairnRequestContext.self, options: .autoGenerateHeadEndpoints)
    let routes = dependencies.routes
    router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware(routes: routes))
    HealthController(probe: stores.probe).addRoutes(to: router)
    MetricsController(registry: dependencies.metrics, token: configuration.metricsToken).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    if configuration.role.servesAPI {
        addIngestRoutes(
            to: router,
            configuration,
            stores: stores,
            writer: writer,
            limiter: limiter,
            clock: clock,
            metrics: metrics
        )
        AdminRoutes.add(
            to: router,
            stores: stores,
            clock: clock,
            regulations: RegulationsController(
                regulations: stores.regulations,
                brands: stores.brands,
                clock: clock,
                requested: regulationsRequested
            ),
            channels: ChannelsController(
                channels: stores.channels,
                box: box,
                defaults: sending.defaultProviders,
                clock: clock
            )
        )
        if let signer {
            UnsubscribeController(signer: signer, profiles: stores.profiles, eventLog: stores.eventLog, clock: clock)
                .addRoutes(to: router)
        }
        TwilioWebhookController(outbox: stores.outbox, providers: providers, publicBaseURL: publicURL, clock: clock)
            .addRoutes(to: router)
    }
    routes.record(router.routes)
    let limits = ConnectionLimits(
        bodyTimeout: configuration.http.bodyTimeout,
        maxConnections: configuration.http.maxConnections
    )
    let idle = configuration.http.idleTimeout.components
    var app = Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: limits.handlers(),
                idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
            )
        ),
        configuration: .init(
            address: .hostname(configuration.http.host, port: configuration.http.port),
            serverName: "cairn"
        ),
        logger: logger
    )
    app.addServices(stores.services)
    if stores.probe.poolUsage != nil { app.addServices(PoolSampler(probe: stores.probe, metrics: metrics)) }
    if configuration.role.servesAPI {
        app.addServices(writer)
        if let ledger = stores.rateLimits {
            app.addServices(RateLimitSync(limiter: limiter, ledger: ledger, logger: logger))
        }
    }
    if configuration.role.runsWorkers {
        // The processor rings it when it queues messages: they leave at once, without polling.
        let messagesQueued = WakeSignal()
        app.addServices(
            BacklogSampler(processing: stores.processing, outbox: stores.outbox, metrics: metrics, logger: logger),
            MessageIdPruner(
                store: stores.eventLog,
                window: configuration.ingest.messageIdWindow,
                clock: clock,
                logger: logger
            ),
            RegulationWorker(
                store: stores.regulations,
                profiles: stores.profiles,
                clock: clock,
                requested: regulationsRequested,
                lease: configuration.regulations.lease,
                metrics: metrics,
                logger: logger
            )
        )
        if configuration.processor.enabled {
            app.addServices(
                EventProcessor(
                    store: stores.processing,
                    clock: clock,
                    metrics: metrics,
                    sends: SendContext(
                        defaultChannels: providers.defaultChannels,
                        publicBaseURL: publicURL,
                        unsubscribe: signer
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
        if sending.enabled {
            app.addServices(
                OutboxDispatcher(
                    store: stores.outbox,
                    eventLog: stores.eventLog,
                    senders: providers,
                    clock: clock,
                    settings: OutboxDispatcher.Settings(
                        retry: sending.retry,
                        lease: sending.lease,
                        concurrency: sending.concurrency,
                        perBrand: sending.perBrand
                    ),
                    wake: messagesQueued,
                    metrics: metrics,
                    logger: logger
                )
            )
        }
    }
    return app
}

/// The routes that take events in and read them back, every one behind the ingest gateway's admission.
func addIngestRoutes(
    to router: Router<CairnRequestContext>,
    _ configuration: AppConfiguration,
    stores: CairnStores,
    writer: EventLogWriter,
    limiter: RateLimiter,
    clock: any CairnClock,
    metrics: CairnMetrics
) {
    let ingest = configuration.ingest
    let authenticator = TokenAuthenticator(store: stores.tokens, cacheSeconds: ingest.tokenCacheSeconds, clock: clock)
    let bodyReader = IngestBodyReader(maxDepth: ingest.maxJSONDepth, trackMaxBytes: ingest.maxBodyBytes)
    let gateway = IngestGateway(
        bodyReader: bodyReader,
        appender: EventAppender(writer: writer, metrics: metrics),
        clock: clock
    )
    func admitted(_ surface: IngestSurface, _ path: RouterPath = "") -> RouterGroup<AuthenticatedContext> {
        let group = router.group(path)
        // Browsers call the Segment routes from any site: CORS on every answer, refusals included.
        if surface == .segment || surface == .sharedBatch { group.add(middleware: SegmentCORSMiddleware()) }
        return
            group
            .add(
                middleware: AdmissionMiddleware(
                    surface: surface,
                    authenticator: authenticator,
                    limiter: limiter,
                    bodyReader: bodyReader
                )
            )
            .group(context: AuthenticatedContext.self)
    }

    let track = admitted(.track, "track/:clientId/:accountId/:brandId/v1")
    TrackController(gateway: gateway, maxBatchItems: ingest.maxBatchItems).addRoutes(to: track)
    EventsController(eventLog: stores.eventLog, outbox: stores.outbox).addRoutes(to: track)
    ProfilesController(profiles: stores.profiles).addRoutes(to: track)
    GroupsController(profiles: stores.profiles).addRoutes(to: track)

    let segment = SegmentController(gateway: gateway, maxBatchItems: ingest.maxBatchItems)
    let salesmachine = SalesmachineController(gateway: gateway, maxBatchItems: ingest.maxBatchItems)
    segment.addRoutes(to: admitted(.segment))
    salesmachine.addRoutes(to: admitted(.salesmachine))
    SharedBatchController(gateway: gateway, segment: segment, salesmachine: salesmachine)
        .addRoutes(to: admitted(.sharedBatch))
    SegmentCORSMiddleware.addPreflightRoutes(to: router)
}
