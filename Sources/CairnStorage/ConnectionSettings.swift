/// How a node uses a database server (PostgreSQL; SQLite has one file and ignores them).
public struct ConnectionSettings: Sendable, Hashable {
    /// The most connections this node opens.
    public var poolSize = 20
    /// The longest a statement may run before the server cancels it.
    public var statementTimeout: Duration = .seconds(30)

    public init(poolSize: Int = 20, statementTimeout: Duration = .seconds(30)) {
        self.poolSize = poolSize
        self.statementTimeout = statementTimeout
    }
}

/// Whether the database answers now: `/ready` asks it.
public protocol DatabaseProbe: Sendable {
    /// Returns once the database answered a trivial query; throws if it did not within `timeout`.
    func ping(timeout: Duration) async throws
    /// How the connection pool is used; nil for a database without one (SQLite's single file).
    var poolUsage: PoolUsage? { get }
}

extension DatabaseProbe {
    public var poolUsage: PoolUsage? { nil }
}
