public import CairnCore

/// The suppression ledger: the keys regulations suppressed (what the processor and the outbox's
/// claims honour), and the mark on the customers they suppressed.
public protocol SuppressionStore: Sendable {
    /// Adds `kind` under every key, made by `regulationId`, and for `suppress` marks the
    /// customers suppressed (what an outbox claim reads), in one transaction; returns how many
    /// keys were new.
    func suppress(
        _ keys: Set<SuppressionKey>,
        kind: SuppressionKind,
        customerIds: [String],
        regulationId: String,
        at time: Timestamp
    ) async throws -> Int
    /// Lifts `kind` from every key, and from every key the same regulation suppressed with them
    /// (ids of a customer since deleted), and for `suppress` unmarks the customers, in one
    /// transaction; returns how many keys were lifted.
    func unsuppress(_ keys: Set<SuppressionKey>, kind: SuppressionKind, customerIds: [String]) async throws -> Int
}
