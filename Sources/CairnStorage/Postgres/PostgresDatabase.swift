import Logging
import NIOSSL
import PostgresNIO

/// A pool of connections to one PostgreSQL database, migrated on open. The pool runs for the
/// life of this object.
public final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    public let location: PostgresLocation
    private let runner: Task<Void, Never>

    /// Advisory lock keys (`pg_advisory_xact_lock`) shared by every node on the database.
    enum LockKey: Int64 {
        case migrations = 0x6361_6972_6e00_0001
        /// Held by each event log append, so that appends commit in `seq` order across nodes.
        case eventLog = 0x6361_6972_6e00_0002
        /// Held by the processor's batch transaction: one batch at a time, in log order.
        case processor = 0x6361_6972_6e00_0003
    }

    /// Connects and migrates; gives up with `StorageError.cannotOpen` after `openTimeout`.
    public init(
        _ location: PostgresLocation,
        maxConnections: Int = 20,
        openTimeout: Duration = .seconds(10),
        logger: Logger? = nil
    ) async throws {
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: Self.tls(location.tls)
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        var logger = logger ?? Logger(label: "cairn.postgres")
        if logger.logLevel < .error { logger.logLevel = .error }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.location = location
        self.runner = Task { await client.run() }
        do {
            try await Self.within(openTimeout) { try await PostgresMigrations.migrate(self) }
        } catch {
            runner.cancel()
            throw StorageError.cannotOpen(path: location.description, reason: Self.reason(error))
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var seconds: Int64
        var description: String { "no answer from the server within \(seconds) seconds" }
    }

    /// Runs `work`, giving up after `limit` (the pool waits for a connection indefinitely).
    static func within(_ limit: Duration, _ work: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimedOut(seconds: limit.components.seconds)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    deinit {
        runner.cancel()
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() async throws -> [String] {
        var names: [String] = []
        for try await name in try await client.query("SELECT name FROM cairn_migrations ORDER BY name").decode(
            String.self
        ) {
            names.append(name)
        }
        return names
    }

    func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    private static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    /// A sentence for an error from the server or the connection, without the query's values.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
