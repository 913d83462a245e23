public import CairnCore

/// Data-protection requests, the suppressions they make, and the steps that carry them out.
/// Each step is idempotent, so a worker that dies part way leaves a regulation another (or the
/// same node, restarted) can carry out again from the start once its lease has ended.
public protocol RegulationStore: Sendable {
    func create(_ regulation: Regulation) async throws
    func regulation(id: String, tenant: Tenant) async throws -> Regulation?
    /// A brand's regulations, newest first; `before` pages on from a regulation's id.
    func regulations(tenant: Tenant, limit: Int, before: String?) async throws -> [Regulation]
    /// The export an `access` regulation made (nil while there is none).
    func export(id: String, tenant: Tenant) async throws -> [UInt8]?

    /// Takes the oldest pending regulation whose lease has ended (or never began), holding it
    /// for `holder` (a claim's own random id) until `leaseUntil`; with several nodes, each takes
    /// a different one.
    func claim(at time: Timestamp, leaseUntil: Timestamp, holder: String) async throws -> Regulation?
    /// Extends `holder`'s lease; false once the regulation is not pending or another holds it
    /// (this one's lease ended and another node took it over).
    func renew(id: String, holder: String, leaseUntil: Timestamp) async throws -> Bool
    /// Records the end, if `holder` still holds it: `done` with what was done (and an access
    /// export), or `failed`. An erasure's subject is erased with it, leaving its digest. False
    /// when another holds it now.
    func finish(_ regulation: Regulation, holder: String, export: [UInt8]?, eraseSubject: Bool) async throws -> Bool

    /// Whether events the brand received before `time` still wait for the processor (an erasure
    /// waits for them: processed afterwards, they would bring the customer back).
    func eventsWaiting(tenant: Tenant, receivedBefore time: Timestamp) async throws -> Bool

    /// The customers a subject names in a brand, with all their anonymousIds: by userId (or an
    /// alias), by anonymousId, or by email (any case; several customers may share one).
    func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile]
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
    /// Fails the customers' messages still waiting to be sent; returns how many.
    func failWaitingMessages(customerIds: [String], error: MessageError, at time: Timestamp) async throws -> Int
    /// Erases the payloads and ids of up to `limit` of the customers' events, which stay as ids
    /// and times; returns how many (fewer than `limit` when none are left).
    func eraseEvents(customerIds: [String], limit: Int) async throws -> Int
    /// Erases the customers' messages' recipients and content (failing those not yet sent);
    /// returns how many.
    func eraseMessages(customerIds: [String], at time: Timestamp) async throws -> Int
    /// Deletes the customers' profiles, their ids and group memberships, erasing in the same
    /// transaction whatever events or messages were linked to them since the earlier steps;
    /// returns how many profiles.
    func deleteCustomers(ids: [String], at time: Timestamp) async throws -> Int
    /// Erases what finished regulations about these keys kept of the customer: their subjects
    /// (the digests stay) and access exports. Pending ones keep theirs, to find the customer by.
    func eraseFinishedRecords(of keys: Set<SuppressionKey>) async throws -> Int
    /// The customers' messages, oldest first (for an access export).
    func messages(customerIds: [String]) async throws -> [OutboxMessage]
}
