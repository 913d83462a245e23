public import ServiceLifecycle

/// The stores of one database, opened and migrated together, and the services that must run
/// while they are used (the PostgreSQL connection pool; none for SQLite).
public struct CairnStores: Sendable {
    public var eventLog: any EventLogStore
    public var tokens: any TokenStore
    public var adminTokens: any AdminTokenStore
    public var brands: any BrandStore
    public var assets: any AssetStore
    public var journeys: any JourneyStore
    /// Customers on journeys, as the journey engine steps them.
    public var journeyInstances: any JourneyInstanceStore
    public var channels: any ChannelStore
    public var outbox: any OutboxStore
    public var regulations: any RegulationStore
    public var suppressions: any SuppressionStore
    /// The processor's unit of work.
    public var processing: any ProcessingStore
    /// Profiles, groups and timelines for the read APIs.
    public var profiles: any ProfileReader
    public var probe: any DatabaseProbe
    /// Shared rate-limit counts, for a database many nodes use (nil for SQLite: one node).
    public var rateLimits: (any RateLimitLedger)?
    /// Every store that holds personal data, which a regulation erases or exports: a store that
    /// starts holding some joins by conforming to `PersonalDataStore` and being listed here.
    public var personalData: [any PersonalDataStore]
    /// What must run while the stores are used; run them first and stop them last.
    public var services: [any Service]

    public init(
        eventLog: any EventLogStore,
        tokens: any TokenStore,
        adminTokens: any AdminTokenStore,
        brands: any BrandStore,
        assets: any AssetStore,
        journeys: any JourneyStore,
        journeyInstances: any JourneyInstanceStore,
        channels: any ChannelStore,
        outbox: any OutboxStore,
        regulations: any RegulationStore,
        suppressions: any SuppressionStore,
        processing: any ProcessingStore,
        profiles: any ProfileReader,
        probe: any DatabaseProbe,
        rateLimits: (any RateLimitLedger)? = nil,
        personalData: [any PersonalDataStore],
        services: [any Service] = []
    ) {
        self.eventLog = eventLog
        self.tokens = tokens
        self.adminTokens = adminTokens
        self.brands = brands
        self.assets = assets
        self.journeys = journeys
        self.journeyInstances = journeyInstances
        self.channels = channels
        self.outbox = outbox
        self.regulations = regulations
        self.suppressions = suppressions
        self.processing = processing
        self.profiles = profiles
        self.probe = probe
        self.rateLimits = rateLimits
        self.personalData = personalData
        self.services = services
    }

    /// Opens (creating if needed) and migrates the database at `location`. On PostgreSQL the
    /// returned stores need their `services` running (the application's service group runs
    /// them; a command uses `whileRunning`).
    public static func open(
        _ location: DatabaseLocation,
        settings: ConnectionSettings = ConnectionSettings()
    ) async throws -> CairnStores {
        switch location {
        case .sqlite(let path):
            let database = try SQLiteDatabase(path: path)
            let (eventLog, outbox) = (SQLiteEventLog(database: database), SQLiteOutboxStore(database: database))
            let (regulations, processing) = (
                SQLiteRegulationStore(database: database), SQLiteProcessingStore(database: database)
            )
            let journeyInstances = SQLiteJourneyInstanceStore(database: database)
            return CairnStores(
                eventLog: eventLog,
                tokens: SQLiteTokenStore(database: database),
                adminTokens: SQLiteAdminTokenStore(database: database),
                brands: SQLiteBrandStore(database: database),
                assets: SQLiteAssetStore(database: database),
                journeys: SQLiteJourneyStore(database: database),
                journeyInstances: journeyInstances,
                channels: SQLiteChannelStore(database: database),
                outbox: outbox,
                regulations: regulations,
                suppressions: SQLiteSuppressionStore(database: database),
                processing: processing,
                profiles: SQLiteProfileReader(database: database),
                probe: database,
                personalData: [eventLog, outbox, journeyInstances, regulations, processing]
            )
        case .postgres(let location):
            try await PostgresDatabase.migrate(location, settings: settings)
            let database = PostgresDatabase(location, settings: settings)
            let (eventLog, outbox) = (PostgresEventLog(database: database), PostgresOutboxStore(database: database))
            let (regulations, processing) = (
                PostgresRegulationStore(database: database), PostgresProcessingStore(database: database)
            )
            let journeyInstances = PostgresJourneyInstanceStore(database: database)
            return CairnStores(
                eventLog: eventLog,
                tokens: PostgresTokenStore(database: database),
                adminTokens: PostgresAdminTokenStore(database: database),
                brands: PostgresBrandStore(database: database),
                assets: PostgresAssetStore(database: database),
                journeys: PostgresJourneyStore(database: database),
                journeyInstances: journeyInstances,
                channels: PostgresChannelStore(database: database),
                outbox: outbox,
                regulations: regulations,
                suppressions: PostgresSuppressionStore(database: database),
                processing: processing,
                profiles: PostgresProfileReader(database: database),
                probe: database,
                rateLimits: PostgresRateLimitLedger(database: database),
                personalData: [eventLog, outbox, journeyInstances, regulations, processing],
                services: [database]
            )
        }
    }

    /// Runs `body` with the stores' services running, then stops them: for a command that uses
    /// the database and exits.
    public func whileRunning<Result: Sendable>(
        _ body: @Sendable (CairnStores) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }
}
