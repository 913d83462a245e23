/// Errors of the storage layer. Descriptions name the problem without leaking credentials or data.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
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
        }
    }
}
