import CairnCore
import CairnStorage
import Hummingbird
import Logging

/// Builds the Cairn application: opens and migrates the database, wires the routes and the
/// long-lived services. The server (added last by Hummingbird) stops first on shutdown, so
/// in-flight requests still reach the event log writer.
public func buildApplication(_ configuration: ServerConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "cairn")
    logger.logLevel = configuration.logLevel
    let stores = try await CairnStores.open(configuration.database, settings: configuration.connection)
    let writer = EventLogWriter(
        store: stores.eventLog,
        deduplicationWindow: configuration.deduplicationWindow,
        logger: logger
    )
    // One budget per token, whichever surface it is used on, shared with the other nodes on the database.
    let limiter = RateLimiter()
    let router = buildRouter(configuration, stores: stores, writer: writer, limiter: limiter)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cairn"),
        logger: logger
    )
    app.addServices(
        writer,
        MessageIdPruner(
            store: stores.eventLog,
            window: configuration.deduplicationWindow,
            interval: .seconds(60),
            logger: logger
        )
    )
    if let ledger = stores.rateLimits {
        app.addServices(RateLimitSync(limiter: limiter, ledger: ledger, logger: logger))
    }
    if configuration.processorEnabled {
        app.addServices(
            EventProcessor(
                store: stores.profiles,
                batchSize: configuration.processorBatchSize,
                workers: configuration.processorWorkers ?? configuration.database.defaultProcessorWorkers,
                ingestIsBusy: { writer.isBusy },
                logger: logger
            )
        )
    }
    return app
}

func buildRouter(
    _ configuration: ServerConfiguration,
    stores: CairnStores,
    writer: EventLogWriter,
    limiter: RateLimiter = RateLimiter()
) -> Router<CairnRequestContext> {
    let router = Router(context: CairnRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    HealthController(probe: stores.probe).addRoutes(to: router)

    let authenticator = TokenAuthenticator(store: stores.tokens, cacheSeconds: configuration.tokenCacheSeconds)
    let track = router.group("track/:clientId/:accountId/:brandId/v1")
        .add(middleware: TrackAuthMiddleware(authenticator: authenticator, limiter: limiter))
    TrackController(
        writer: writer,
        bodyReader: TrackBodyReader(maxBodyBytes: configuration.maxBodyBytes, maxDepth: configuration.maxJSONDepth),
        maxBatchItems: configuration.maxBatchItems
    ).addRoutes(to: track)
    EventsController(eventLog: stores.eventLog).addRoutes(to: track)
    ProfilesController(profiles: stores.profiles).addRoutes(to: track)
    GroupsController(profiles: stores.profiles).addRoutes(to: track)

    let gate = WriteKeyGate(authenticator: authenticator, limiter: limiter)
    let messages = MessageWriter(writer: writer)
    let compatReader = CompatBodyReader(maxBytes: SegmentBatchRules.maxBatchBytes, maxDepth: configuration.maxJSONDepth)
    let segment = SegmentController(
        messages: messages,
        gate: gate,
        bodyReader: compatReader,
        maxBatchItems: configuration.maxBatchItems
    )
    let salesmachine = SalesmachineController(
        messages: messages,
        gate: gate,
        bodyReader: compatReader,
        maxBatchItems: configuration.maxBatchItems
    )
    segment.addRoutes(to: router)
    salesmachine.addRoutes(to: router)
    SharedBatchController(segment: segment, salesmachine: salesmachine).addRoutes(to: router)
    return router
}
