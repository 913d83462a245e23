import CairnCore
import PostgresNIO

/// What a PostgreSQL error means for the work that raised it.
enum PostgresFailure {
    /// Lost a race with another node's transaction: the same work, run again at once, will
    /// usually succeed (serialization failure, deadlock). A unique violation counts as refused
    /// data: the barrier keeps two batches from creating one customer, so a repeat would fail
    /// the same way, and the refused path tries the event alone anyway.
    case conflict
    /// The server refuses the data itself (a value out of range, a NUL byte in text, a row too
    /// large): running it again will fail the same way.
    case refusedData
    /// Anything else: the connection, a timeout, the server's resources. Not the data's fault.
    case unavailable

    init(_ error: any Error) {
        switch error as? StorageError {
        case .alreadyProcessed?:
            self = .conflict
            return
        case .unreadableRow?:
            self = .refusedData
            return
        case .database?, nil: break
        case _?:
            self = .unavailable
            return
        }
        guard let state = Self.sqlState(of: error) else {
            self = .unavailable
            return
        }
        switch state {
        case "40001", "40P01": self = .conflict
        case _ where state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("54"): self = .refusedData
        default: self = .unavailable
        }
    }

    /// The server's SQLSTATE, whether the driver's error was wrapped yet or not.
    static func sqlState(of error: any Error) -> String? {
        if case .database(let failure) = error as? StorageError { return failure.code }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Runs `work` again after a conflict, a few times, with a short random pause.
    static func retryingConflicts<Result: Sendable>(
        attempts: Int = 8,
        clock: any CairnClock = SystemClock(),
        _ work: () async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await work()
            } catch  where attempt < attempts && PostgresFailure(error) == .conflict {
                attempt += 1
                try await clock.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }
}
