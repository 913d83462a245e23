import PostgresNIO

/// The driver's errors, as the storage layer throws them: `StorageError.database`, whose
/// description says what failed without the statement's values or the connection's credentials,
/// and whose `detail` keeps what an operator needs of what PostgresNIO said (a `PSQLError`
/// describes itself as its code alone, by design).
extension PostgresDatabase {
    /// Runs `work`, throwing the driver's errors as `StorageError.database`; any other error
    /// (the storage layer's own, a cancellation) is thrown as it is.
    static func wrappingErrors<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch {
            throw storageError(error)
        }
    }

    /// `error` as `StorageError.database` when it is the driver's (or a statement that got no
    /// answer in time); any other error as it is.
    static func storageError(_ error: any Error) -> any Error {
        let code: String?
        switch error {
        case let error as PSQLError: code = error.serverInfo?[.sqlState]
        case is PostgresDecodingError, is TimedOut: code = nil
        default: return error
        }
        return StorageError.database(
            DatabaseFailure(backend: .postgres, code: code, summary: reason(error), detail: detail(error))
        )
    }

    /// What an operator needs of a driver's error, for the logs: the server's SQLSTATE, severity,
    /// message and hint, the schema objects it names, and the statement without its values. The
    /// server's DETAIL field is left out: it quotes the row at fault (`Key (email)=(…) already
    /// exists`), which is a customer's data.
    static func detail(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(reflecting: error) }
        var parts = ["code: \(error.code)"]
        let fields: [(String, PSQLError.ServerInfo.Field)] = [
            ("sqlState", .sqlState), ("severity", .severity), ("message", .message), ("hint", .hint),
            ("schema", .schemaName), ("table", .tableName), ("column", .columnName),
            ("constraint", .constraintName), ("routine", .routine),
        ]
        for (name, field) in fields {
            if let value = error.serverInfo?[field] { parts.append("\(name): \(value)") }
        }
        if let query = error.query { parts.append("statement: \(query.sql)") }
        if error.serverInfo == nil, let underlying = error.underlying {
            parts.append("underlying: \(String(reflecting: underlying))")
        }
        return parts.joined(separator: ", ")
    }

    /// A sentence for an error from the server or the connection, without the query's values.
    static func reason(_ error: any Error) -> String {
        if case .database(let failure) = error as? StorageError { return failure.summary }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            // The socket's own words, when the server could not be reached at all.
            let underlying = error.underlying.map { String(reflecting: $0) } ?? ""
            if underlying.contains("Connection refused") {
                return "connection refused: nothing listens at that host and port (is PostgreSQL running?)"
            }
            if underlying.lowercased().contains("dns") || underlying.contains("No such host") {
                return "the host name could not be resolved"
            }
            return "\(error.code)"
        }
        if let error = error as? PostgresDecodingError {
            return "a value of column \(error.columnName) could not be read as \(error.targetType)"
        }
        // Our own errors (a timeout, a row that cannot be read back), whose descriptions are
        // sentences that leak nothing.
        return "\(error)"
    }
}
