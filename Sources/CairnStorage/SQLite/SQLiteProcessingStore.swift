public import CairnCore
import Foundation
import GRDB

/// The processor's unit of work in SQLite: the waiting events of `events`, and the `customers`,
/// `customer_aliases` and `groups` they change.
///
/// The processor's statements are cached and read columns by position: they run for every event.
public struct SQLiteProcessingStore: ProcessingStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func processPending(
        limit: Int,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await database.write { db in
            let events = try Self.pendingEvents(db, limit: limit)
            guard let first = events.first else { return 0 }
            do {
                let snapshot = try Self.snapshot(db, keys: BatchKeys(of: events), events: events)
                try Self.commit(db, apply(events, snapshot), processedAt: processedAt)
            } catch  where Self.isRefusedData(error) {
                throw EventsRefused(sequence: first.sequence, reason: "\(error)")
            }
            return events.count
        }
    }

    /// One file has one processor reading the log in order: the event alone is the oldest waiting one.
    public func processPending(
        alone sequence: Int64,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int {
        try await processPending(limit: 1, processedAt: processedAt, apply: apply)
    }

    /// Whether an error is the data's (a value the schema refuses, a row that cannot be read
    /// back) rather than the file's or the disk's.
    static func isRefusedData(_ error: any Error) -> Bool {
        if case .unreadableRow = error as? StorageError { return true }
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG].contains(error.resultCode)
    }

    public func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws {
        try await database.write { db in
            try db.execute(
                sql:
                    "UPDATE events SET status = 'failed', errors = ?, processed_at = ? WHERE seq = ? AND status = 'accepted'",
                arguments: [Data(StoredJSON.encode([error])), time.millisecondsSinceEpoch, sequence]
            )
        }
    }

    public func backlog() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE status = 'accepted'") ?? 0
        }
    }

    /// For tests: the waiting events, in log order.
    package func pendingEvents(limit: Int) async throws -> [LoggedEvent] {
        try await database.read { db in try Self.pendingEvents(db, limit: limit) }
    }

    /// For tests: the profiles known by these ids, read as a batch would read them.
    package func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile] {
        try await database.read { db in
            try Self.snapshot(
                db,
                keys: BatchKeys(userIds: userIds, anonymousIds: anonymousIds),
                withAllAnonymousIds: true
            )
            .profiles.values.sorted { $0.customerId < $1.customerId }
        }
    }

    /// For tests: stores a result worked out outside `processPending`.
    package func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws {
        try await database.write { db in try Self.commit(db, result, processedAt: processedAt) }
    }
}
