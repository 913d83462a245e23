import CairnCore
import CairnPipeline
import CairnStorage
import Hummingbird

/// The router of the node's role: health, metrics and the OpenAPI document everywhere; the
/// ingest, read, admin, unsubscribe and webhook routes where the node serves the API. The
/// routes it ends up with are recorded in `dependencies.routes`.
func buildRouter(
    _ configuration: AppConfiguration,
    dependencies: AppDependencies,
    services: AppServices
) -> Router<CairnRequestContext> {
    let stores = services.stores
    let clock = services.clock
    let router = Router(context: CairnRequestContext.self, options: .autoGenerateHeadEndpoints)
    let routes = dependencies.routes
    router.add(middleware: HTTPMetricsMiddleware(metrics: services.metrics, clock: dependencies.clock))
    router.add(middleware: ErrorMiddleware(routes: routes))
    HealthController(probe: stores.probe).addRoutes(to: router)
    MetricsController(registry: dependencies.metrics, token: configuration.metricsToken).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    if configuration.role.servesAPI {
        addIngestRoutes(to: router, configuration, services: services)
        AdminRoutes.add(
            to: router,
            stores: stores,
            clock: clock,
            regulations: RegulationsController(
                regulations: stores.regulations,
                brands: stores.brands,
                clock: clock,
                requested: services.regulationsRequested
            ),
            channels: ChannelsController(
                channels: stores.channels,
                box: services.box,
                defaults: configuration.sending.defaultProviders,
                brandRules: configuration.sending.brandProviderRules,
                laneCap: configuration.sending.laneCap,
                clock: clock
            )
        )
        if let signer = services.signer {
            UnsubscribeController(signer: signer, profiles: stores.profiles, eventLog: stores.eventLog, clock: clock)
                .addRoutes(to: router)
        }
        PushKeyController(keyring: services.keyring, brands: stores.brands, canKeepKeys: services.box != nil)
            .addRoutes(to: router)
        TwilioWebhookController(
            outbox: stores.outbox,
            providers: services.providers,
            publicBaseURL: services.publicURL,
            clock: clock
        )
        .addRoutes(to: router)
    }
    routes.record(router.routes)
    return router
}

/// The routes that take events in and read them back, every one behind the ingest gateway's admission.
func addIngestRoutes(
    to router: Router<CairnRequestContext>,
    _ configuration: AppConfiguration,
    services: AppServices
) {
    let ingest = configuration.ingest
    let stores = services.stores
    let authenticator = TokenAuthenticator(
        store: stores.tokens,
        cacheSeconds: ingest.tokenCacheSeconds,
        clock: services.clock
    )
    let bodyReader = IngestBodyReader(maxDepth: ingest.maxJSONDepth, trackMaxBytes: ingest.maxBodyBytes)
    let gateway = IngestGateway(
        bodyReader: bodyReader,
        appender: EventAppender(writer: services.writer, metrics: services.metrics),
        clock: services.clock
    )
    func admitted(_ surface: IngestSurface, _ path: RouterPath = "") -> RouterGroup<AuthenticatedContext> {
        let group = router.group(path)
        // Browsers call the Segment routes from any site: CORS on every answer, refusals included.
        if surface.callableFromBrowsers { group.add(middleware: SegmentCORSMiddleware()) }
        return
            group
            .add(
                middleware: AdmissionMiddleware(
                    surface: surface,
                    authenticator: authenticator,
                    limiter: services.limiter,
                    bodyReader: bodyReader
                )
            )
            .group(context: AuthenticatedContext.self)
    }

    let track = admitted(.track, "track/:clientId/:accountId/:brandId/v1")
    TrackController(gateway: gateway, maxBatchItems: ingest.maxBatchItems).addRoutes(to: track)
    EventsController(eventLog: stores.eventLog, outbox: stores.outbox, journeys: stores.journeyInstances)
        .addRoutes(to: track)
    ProfilesController(
        profiles: stores.profiles,
        pushDeviceExpiry: configuration.sending.pushDeviceExpiry,
        clock: services.clock
    )
    .addRoutes(to: track)
    GroupsController(profiles: stores.profiles).addRoutes(to: track)

    let segment = SegmentController(gateway: gateway, maxBatchItems: ingest.maxBatchItems)
    let salesmachine = SalesmachineController(gateway: gateway, maxBatchItems: ingest.maxBatchItems)
    segment.addRoutes(to: admitted(.segment))
    salesmachine.addRoutes(to: admitted(.salesmachine))
    SharedBatchController(gateway: gateway, segment: segment, salesmachine: salesmachine)
        .addRoutes(to: admitted(.sharedBatch))
    SegmentCORSMiddleware.addPreflightRoutes(to: router)
}
