/// Where Cairn keeps its data, as given by `--database` or `CAIRN_DATABASE`.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file (`sqlite:PATH`, or `sqlite://PATH`).
    case sqlite(path: String)
    /// A PostgreSQL database (`postgres://user:password@host:port/database`).
    case postgres(PostgresLocation)

    public static let defaultValue = DatabaseLocation.sqlite(path: "cairn.sqlite")

    /// How many processor batches a node runs side by side unless told: one SQLite file has
    /// one writer; on PostgreSQL each batch claims its own partition of the log.
    public var defaultProcessorWorkers: Int {
        switch self {
        case .sqlite: return 1
        case .postgres: return 2
        }
    }

    public init(parsing text: String) throws(StorageError) {
        if text.hasPrefix("sqlite://") {
            self = try .sqliteChecked(String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = try .sqliteChecked(String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(parsing: text))
        } else if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter || $0 == "+" }) {
            throw .unsupportedDatabase(String(text[..<colon]))
        } else {
            throw .invalidDatabaseURL(
                "expected sqlite:PATH (such as sqlite:cairn.sqlite) or postgres://user:password@host:port/database."
            )
        }
    }

    private static func sqliteChecked(_ path: String) throws(StorageError) -> DatabaseLocation {
        guard !path.isEmpty else {
            throw .invalidDatabaseURL("sqlite: needs a file path, such as sqlite:cairn.sqlite.")
        }
        return .sqlite(path: path)
    }

    /// The location, without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let location): return location.description
        }
    }
}
