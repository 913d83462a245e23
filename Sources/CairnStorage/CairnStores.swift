/// The stores of one database, opened and migrated together.
public struct CairnStores: Sendable {
    public var eventLog: any EventLogStore
    public var tokens: any TokenStore
    public var profiles: any ProfileStore
    public var probe: any DatabaseProbe
    /// Shared rate-limit counts, for a database many nodes use (nil for SQLite: one node).
    public var rateLimits: (any RateLimitLedger)?

    public init(
        eventLog: any EventLogStore,
        tokens: any TokenStore,
        profiles: any ProfileStore,
        probe: any DatabaseProbe,
        rateLimits: (any RateLimitLedger)? = nil
    ) {
        self.eventLog = eventLog
        self.tokens = tokens
        self.profiles = profiles
        self.probe = probe
        self.rateLimits = rateLimits
    }

    /// Opens (creating if needed) and migrates the database at `location`.
    public static func open(
        _ location: DatabaseLocation,
        settings: ConnectionSettings = ConnectionSettings()
    ) async throws -> CairnStores {
        switch location {
        case .sqlite(let path):
            let database = try SQLiteDatabase(path: path)
            return CairnStores(
                eventLog: SQLiteEventLog(database: database),
                tokens: SQLiteTokenStore(database: database),
                profiles: SQLiteProfileStore(database: database),
                probe: database
            )
        case .postgres(let location):
            let database = try await PostgresDatabase(location, settings: settings)
            return CairnStores(
                eventLog: PostgresEventLog(database: database),
                tokens: PostgresTokenStore(database: database),
                profiles: PostgresProfileStore(database: database),
                probe: database,
                rateLimits: PostgresRateLimitLedger(database: database)
            )
        }
    }
}
