public import CairnCore
public import Logging
import NIOSSL
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A pool of connections to one PostgreSQL database. The pool is a `Service`: it connects while
/// `run` runs (under the application's service group, or `CairnStores.whileRunning` for a
/// command) and closes its connections when that ends.
public final class PostgresDatabase: Service, Sendable {
    let client: PostgresClient
    let logger: Logger
    let settings: ConnectionSettings
    public let location: PostgresLocation
    /// Connections lent and callers waiting, for the metrics.
    let usageCounter: PoolUsageCounter
    /// Times the statement timeouts and the pool's waits.
    let clock: any CairnClock
    /// A pool runs once: set by the first `run` or `whileRunning`.
    private let started = Atomic(false)

    /// Advisory lock keys (`pg_advisory_xact_lock`) shared by every node on the database.
    enum LockKey: Int64 {
        case migrations = 0x6361_6972_6e00_0001
        /// Held by each event log append, so that appends commit in `seq` order across nodes.
        case eventLog = 0x6361_6972_6e00_0002
    }

    /// A pool for `location`; it connects once `run` runs. `clock` times its waits.
    public init(
        _ location: PostgresLocation,
        settings: ConnectionSettings = ConnectionSettings(),
        logger: Logger? = nil,
        clock: any CairnClock = SystemClock()
    ) {
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: Self.tls(location.tls)
        )
        configuration.options.maximumConnections = settings.poolSize
        let timeoutMilliseconds = settings.statementTimeout.milliseconds
        // Server settings sent when each connection starts: the server cancels longer statements,
        // and ends a transaction left idle (by a stuck node) so that its locks are released.
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", String(timeoutMilliseconds)),
            ("idle_in_transaction_session_timeout", String(timeoutMilliseconds)),
            ("application_name", "cairn"),
        ]
        configuration.options.connectTimeout = .seconds(5)
        var logger = logger ?? Logger(label: "cairn.postgres")
        if logger.logLevel < .error { logger.logLevel = .error }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.settings = settings
        self.location = location
        self.usageCounter = PoolUsageCounter(size: settings.poolSize, clock: clock)
        self.clock = clock
    }

    /// How the pool is used now (and since start).
    public var poolUsage: PoolUsage? { usageCounter.usage }

    /// Runs the pool until the service group shuts down (or the task is cancelled).
    public func run() async throws {
        try claimTheRun()
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    struct AlreadyRunning: Error, CustomStringConvertible {
        var description: String { "a PostgreSQL pool runs once; open the stores again for another run" }
    }

    private func claimTheRun() throws {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            throw AlreadyRunning()
        }
    }

    /// Runs `body` while the pool runs, then closes it: for a command, a test, or the migrations.
    public func whileRunning<Result: Sendable>(
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        try claimTheRun()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Creates or upgrades the schema with a pool of its own, run for the purpose; gives up with
    /// `StorageError.cannotOpen` after `openTimeout`.
    public static func migrate(
        _ location: PostgresLocation,
        settings: ConnectionSettings = ConnectionSettings(),
        openTimeout: Duration = .seconds(10),
        clock: any CairnClock = SystemClock()
    ) async throws {
        let database = PostgresDatabase(
            location,
            settings: ConnectionSettings(poolSize: 2, statementTimeout: settings.statementTimeout),
            clock: clock
        )
        do {
            // One connection first, tried again until the open timeout (a server may be starting
            // beside Cairn): the pool would retry too, but could only say that it gave up, not why.
            try await Self.probe(location, until: clock.uptime() + openTimeout.seconds, clock: clock)
            try await database.whileRunning {
                // Once connected, the schema change has longer: many nodes or databases migrating at
                // once on a busy server take more than the open timeout, and each statement has its own.
                try await Self.within(max(openTimeout, .seconds(120)), clock: clock) {
                    try await PostgresMigrations.migrate(database)
                }
            }
        } catch {
            throw StorageError.cannotOpen(path: location.description, reason: Self.reason(error))
        }
    }

    /// Connects once, again every quarter second while the server refuses or is starting, until
    /// `deadline` (an uptime of `clock`); then throws the last reason.
    static func probe(_ location: PostgresLocation, until deadline: Double, clock: any CairnClock) async throws {
        // The reason the server last gave: what is said at the deadline, rather than only "no answer".
        var lastReason: (any Error)?
        let total = Int64(deadline - clock.uptime())
        while true {
            let left = deadline - clock.uptime()
            guard left > 0 else { throw lastReason ?? TimedOut(seconds: total) }
            do {
                return try await within(.milliseconds(Int64(left * 1000)), clock: clock) { try await probe(location) }
            } catch let timedOut as TimedOut {
                throw lastReason ?? timedOut
            } catch {
                lastReason = error
                let wait = min(0.25, max(0, deadline - clock.uptime()))
                try await clock.sleep(for: .milliseconds(Int64(wait * 1000)))
            }
        }
    }

    /// Opens one connection and closes it: fails at once, with the reason, when the server
    /// refuses the connection or the login.
    static func probe(_ location: PostgresLocation) async throws {
        var logger = Logger(label: "cairn.postgres.probe")
        logger.logLevel = .critical
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: location.host,
                port: location.port,
                username: location.username,
                password: location.password,
                database: location.database,
                tls: tls
            ),
            id: 0,
            logger: logger
        )
        try await connection.close()
    }

    struct TimedOut: Error, CustomStringConvertible {
        var seconds: Int64
        var description: String { "no answer from the server within \(seconds) seconds" }
    }

    /// Runs `work`, giving up after `limit` (the pool waits for a connection indefinitely).
    ///
    /// The caller is answered at the limit even if `work` has not reacted to its cancellation
    /// yet (a task group would wait for it): a request or a shutdown never waits on a call that
    /// the database will not answer.
    static func within<Result: Sendable>(
        _ limit: Duration,
        clock: any CairnClock,
        _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                race.start(continuation)
                let worker = Task {
                    do { race.finish(.success(try await work())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await clock.sleep(for: limit)
                    race.finish(.failure(TimedOut(seconds: Int64(limit.seconds))))
                }
                race.onFinish {
                    worker.cancel()
                    timer.cancel()
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of several outcomes resumes the continuation; the rest are dropped.
    private final class Race<Result: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result, any Error>?
            var early: Swift.Result<Result, any Error>?
            var done = false
            var cleanup: (@Sendable () -> Void)?
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Result, any Error>) {
            let early = state.withLock { state -> Swift.Result<Result, any Error>? in
                if let early = state.early { return early }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let runNow = state.withLock { state -> Bool in
                if state.done { return true }
                state.cleanup = cleanup
                return false
            }
            if runNow { cleanup() }
        }

        func finish(_ outcome: Swift.Result<Result, any Error>) {
            let (continuation, cleanup) = state.withLock {
                state -> (CheckedContinuation<Result, any Error>?, (@Sendable () -> Void)?) in
                guard !state.done else { return (nil, nil) }
                state.done = true
                guard let continuation = state.continuation else {
                    state.early = outcome
                    return (nil, state.cleanup)
                }
                state.continuation = nil
                return (continuation, state.cleanup)
            }
            continuation?.resume(with: outcome)
            cleanup?()
        }
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() async throws -> [String] {
        try await query("SELECT name FROM cairn_migrations ORDER BY name").map { try $0.decode(String.self) }
    }

    /// Runs `body` in a transaction; gives up after the statement timeout (the pool waits for a
    /// connection indefinitely while the server is away, and a request must not). The driver's
    /// errors come out as `StorageError.database`.
    func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let loan = usageCounter.begin()
        defer { usageCounter.end(loan) }
        return try await Self.wrappingErrors {
            try await Self.within(settings.statementTimeout, clock: clock) { [client, logger, usageCounter] in
                do {
                    return try await client.withTransaction(logger: logger) { connection in
                        usageCounter.start(loan)
                        return try await body(connection)
                    }
                } catch let error as PostgresTransactionError {
                    throw error.closureError ?? error.beginError ?? error.commitError ?? error
                }
            }
        }
    }

    /// Runs `body` with a connection of the pool, giving up after the statement timeout.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let loan = usageCounter.begin()
        defer { usageCounter.end(loan) }
        return try await Self.wrappingErrors {
            try await Self.within(settings.statementTimeout, clock: clock) { [client, usageCounter] in
                try await client.withConnection { connection in
                    usageCounter.start(loan)
                    return try await body(connection)
                }
            }
        }
    }

    /// Runs one statement and returns its rows, giving up after the statement timeout.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { [logger] connection in
            try await connection.query(query, logger: logger).collect()
        }
    }

    private static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }
}

extension PostgresDatabase: DatabaseProbe {
    public func ping(timeout: Duration) async throws {
        try await Self.wrappingErrors {
            try await Self.within(timeout, clock: clock) { [client] in
                _ = try await client.query("SELECT 1").collect()
            }
        }
    }
}
