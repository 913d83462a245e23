/// Where Cairn keeps its data, as given by `--database` or `CAIRN_DATABASE`.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file (`sqlite:PATH`, or `sqlite://PATH`).
    case sqlite(path: String)

    public static let defaultValue = DatabaseLocation.sqlite(path: "cairn.sqlite")

    public init(parsing text: String) throws(StorageError) {
        if text.hasPrefix("sqlite://") {
            self = try .sqliteChecked(String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = try .sqliteChecked(String(text.dropFirst("sqlite:".count)))
        } else if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter || $0 == "+" }) {
            throw .unsupportedDatabase(String(text[..<colon]))
        } else {
            throw .invalidDatabaseURL("expected sqlite:PATH, such as sqlite:cairn.sqlite.")
        }
    }

    private static func sqliteChecked(_ path: String) throws(StorageError) -> DatabaseLocation {
        guard !path.isEmpty else {
            throw .invalidDatabaseURL("sqlite: needs a file path, such as sqlite:cairn.sqlite.")
        }
        return .sqlite(path: path)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        }
    }
}
