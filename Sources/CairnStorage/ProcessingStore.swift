public import CairnCore

/// The processor's unit of work: in one transaction it takes waiting events of the log, the
/// profiles they touch, and stores what processing made of them with each event's outcome.
/// This transaction is the seam where everything an event causes commits together.
public protocol ProcessingStore: Sendable {
    /// In one transaction: reads up to `limit` waiting events in log order and the profiles they
    /// may touch, lets `apply` work out the changes, and stores them with each event's outcome,
    /// stamped `processedAt`. A store shared by several processors may take fewer than `limit`
    /// events although more are waiting (one partition's, up to where another's earlier events
    /// must go first); it returns 0 only when no waiting event can be processed now.
    /// Returns how many events were processed. Throws `EventsRefused` when the events themselves
    /// cannot be stored.
    func processPending(
        limit: Int,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int
    /// Processes one event alone: the oldest waiting event of the part of the log `sequence` is
    /// in (that event, unless it was processed meanwhile). For isolating the event that made a
    /// batch fail with `EventsRefused`, which this throws too when the event fails alone.
    func processPending(
        alone sequence: Int64,
        processedAt: Timestamp,
        apply: @escaping @Sendable ([LoggedEvent], ProfileSnapshot) -> ProfileProcessor.Result
    ) async throws -> Int
    /// Marks one waiting event `failed` without applying it (for an event that cannot be processed).
    func fail(sequence: Int64, error: EventError, at time: Timestamp) async throws
    /// How many events wait for the processor (on every node, on PostgreSQL).
    func backlog() async throws -> Int
}
