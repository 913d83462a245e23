/// Errors of the storage layer. Descriptions name the problem without leaking credentials or data.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDatabaseURL(String)
    case unsupportedDatabase(String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let reason):
            return "The database URL is not valid: \(reason)"
        case .unsupportedDatabase(let scheme):
            return "The database kind \"\(scheme)\" is not supported yet; use sqlite:PATH or postgres://…"
        case .cannotOpen(let path, let reason):
            return "Cannot open the database at \(path): \(reason)"
        }
    }
}
