public import CairnCore
public import CairnStorage
public import Hummingbird
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

/// Builds the Cairn application, its composition root: the long-lived parts and background
/// services of the node's role (`AppServices`), the router over them (`buildRouter`), and the
/// HTTP server. The stores' own services (the PostgreSQL pool) start first and stop last; the
/// HTTP server (added last by Hummingbird) stops first on shutdown, so in-flight requests still
/// reach the event log writer, and the writer still reaches the database.
public func buildApplication(
    _ configuration: AppConfiguration,
    dependencies: AppDependencies
) async throws -> some ApplicationProtocol {
    let services = AppServices(configuration, dependencies: dependencies)
    let router = buildRouter(configuration, dependencies: dependencies, services: services)
    let limits = ConnectionLimits(
        bodyTimeout: configuration.http.bodyTimeout,
        maxConnections: configuration.http.maxConnections
    )
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: limits.handlers(),
                idleTimeout: .nanoseconds(configuration.http.idleTimeout.nanoseconds)
            )
        ),
        configuration: .init(
            address: .hostname(configuration.http.host, port: configuration.http.port),
            serverName: "cairn"
        ),
        services: services.services(),
        logger: services.logger
    )
}
