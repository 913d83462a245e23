public import CairnCore
import Foundation
import PostgresNIO

/// The processor's unit of work in PostgreSQL: the waiting events of `events`, and the
/// `customers`, `customer_aliases` and `groups` they change. A processed batch is one transaction, read with set-based
/// queries (one per kind of id, not one per id) and written the same way.
public struct PostgresProcessingStore: ProcessingStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        let errors = ByteBuffer(bytes: StoredJSON.encode([error]))
        try await database.query(
            """
            UPDATE events SET status = 'failed', errors = \(errors), processed_at = \(time.millisecondsSinceEpoch)
            WHERE seq = \(sequence) AND status = 'accepted'
            """
        )
    }

    public func backlog() async throws -> Int {
        let rows = try await database.query("SELECT count(*) FROM events WHERE status = 'accepted'")
        return try rows.first.map { try Int($0.decode(Int64.self)) } ?? 0
    }

    /// For tests: the waiting events, in log order.
    package func pendingEvents(limit: Int) async throws -> [LoggedEvent] {
        try await database.withConnection { connection in
            try await pendingEvents(limit: limit, on: connection)
        }
    }

    private func pendingEvents(limit: Int, on connection: PostgresConnection) async throws -> [LoggedEvent] {
        try await PostgresEventLog.storedEvents(
            database,
            """
            SELECT \(unescaped: PostgresEventLog.columns) FROM events
            WHERE status = 'accepted' ORDER BY seq LIMIT \(limit)
            """,
            on: connection
        ).map { LoggedEvent(sequence: $0.sequence, entry: $0.stored.entry) }
    }

    /// For tests: the profiles known by these ids, read as a batch would read them.
    package func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await database.withConnection { connection in
            try await snapshot(
                BatchKeys(userIds: userIds, anonymousIds: anonymousIds),
                withAllAnonymousIds: true,
                on: connection
            )
            .profiles.values.sorted { $0.customerId < $1.customerId }
        }
    }

    /// For tests: stores a result worked out outside `processPending`.
    package func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await database.transaction { connection in
            try await commit(result, processedAt: processedAt, on: connection)
        }
    }
}
