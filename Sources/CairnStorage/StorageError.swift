/// Errors of the storage layer. Descriptions name the problem without leaking credentials or data;
/// a database's own error is kept whole for the logs (`String(reflecting:)`, see `DatabaseFailure`).
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    case invalidDatabaseURL(String)
    case unsupportedDatabase(String)
    case cannotOpen(path: String, reason: String)
    /// A stored row that cannot be read back (a value outside what the schema allows).
    case unreadableRow(table: String, detail: String)
    /// A processed batch named events that are no longer waiting: nothing of it was stored.
    case alreadyProcessed(count: Int)
    /// A batch changed a customer that was deleted (by a regulation) after the batch read it:
    /// nothing of it was stored, and it is processed again without them.
    case customerDeleted
    /// The database failed a statement or a transaction (it refused it, the connection broke, no
    /// answer came in time).
    case database(DatabaseFailure)

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let reason):
            return "The database URL is not valid: \(reason)"
        case .unsupportedDatabase(let scheme):
            return "The database kind \"\(scheme)\" is not supported yet; use sqlite:PATH or postgres://…"
        case .cannotOpen(let path, let reason):
            return "Cannot open the database at \(path): \(reason)"
        case .unreadableRow(let table, let detail):
            return "A row of \(table) cannot be read: \(detail)"
        case .alreadyProcessed(let count):
            return "\(count) events of the batch were already processed; the batch was not stored."
        case .customerDeleted:
            return "A customer the batch changed was deleted meanwhile; the batch was not stored."
        case .database(let failure):
            return failure.description
        }
    }

    /// The description, and for a database's failure everything the driver said of it (for the
    /// logs: `String(reflecting: error)`).
    public var debugDescription: String {
        guard case .database(let failure) = self else { return description }
        return "\(failure.description) [\(failure.detail)]"
    }
}

/// What a database said of a failure, for the logs (no client answer shows it): `summary` is the
/// database's sentence, which may quote a value it could not take; `detail` is the rest an
/// operator needs.
public struct DatabaseFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Backend: String, Sendable {
        case sqlite = "SQLite"
        case postgres = "PostgreSQL"
    }

    public var backend: Backend
    /// PostgreSQL's SQLSTATE, or SQLite's result code; nil when no server answered.
    public var code: String?
    /// The database's own sentence (the server's message), without the statement or its values.
    public var summary: String
    /// The driver's account of its error: for PostgreSQL the server's SQLSTATE, message, hint and
    /// the objects it names, and the statement without its values (not the server's DETAIL, which
    /// quotes the row at fault); for SQLite the message and the statement.
    public var detail: String

    public init(backend: Backend, code: String?, summary: String, detail: String) {
        self.backend = backend
        self.code = code
        self.summary = summary
        self.detail = detail
    }

    public var description: String {
        let code = code.map { " (\(backend == .postgres ? "SQLSTATE" : "code") \($0))" } ?? ""
        return "\(backend.rawValue) failed: \(summary)\(code)"
    }
}
