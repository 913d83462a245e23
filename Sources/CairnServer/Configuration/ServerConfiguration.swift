import CairnStorage
import Logging

/// Everything `cairn serve` can be told, read once at start (flags, then `CAIRN_*` variables).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var database = DatabaseLocation.defaultValue
    /// The largest request body accepted, in bytes (the spec's 6 MB).
    public var maxBodyBytes = 6 * 1024 * 1024
    /// The deepest nesting of arrays and objects accepted in a body.
    public var maxJSONDepth = 64
    /// The most events one batch may hold.
    public var maxBatchItems = 10_000
    /// How long a token looked up in the database is trusted before it is read again, in
    /// seconds: a revoked token stops working within this time on a running server.
    public var tokenCacheSeconds: Double = 5
    /// Whether this node applies accepted events to profiles.
    public var processorEnabled = true
    /// The most events the processor applies in one transaction.
    public var processorBatchSize = 1000
    /// Batches this node's processor runs side by side; nil: 1 on SQLite (one writer), 2 on
    /// PostgreSQL (each claims its own partition).
    public var processorWorkers: Int?
    public var logLevel = Logger.Level.info
    /// How long a Segment `messageId` keeps later messages with the same id and write key out of the log.
    public var deduplicationWindow = MessageDeduplication.defaultWindow
    /// Pool size and statement timeout for a database server (PostgreSQL).
    public var connection = ConnectionSettings()

    public init() {}
}
