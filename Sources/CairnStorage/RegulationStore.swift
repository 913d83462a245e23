public import CairnCore

/// Data-protection requests: their records and the leases of the workers carrying them out.
/// What they do to the data is done by the stores that hold it (`SuppressionStore`,
/// `PersonalDataStore`), in the order of the regulation's `RegulationPlan`.
public protocol RegulationStore: Sendable {
    func create(_ regulation: Regulation) async throws
    func regulation(id: String, tenant: Tenant) async throws -> Regulation?
    /// A brand's regulations, newest first; `before` pages on from a regulation's id.
    func regulations(tenant: Tenant, limit: Int, before: String?) async throws -> [Regulation]
    /// Part `part` (from 0) of the export an `access` regulation made: nil past its last part, or
    /// when there is none. Parts are `RegulationExportParts.size` bytes but the last.
    func exportPart(id: String, tenant: Tenant, part: Int) async throws -> [UInt8]?

    /// Takes the oldest pending regulation whose lease has ended (or never began), holding it
    /// for `holder` (a claim's own random id) until `leaseUntil`; with several nodes, each takes
    /// a different one.
    func claim(at time: Timestamp, leaseUntil: Timestamp, holder: String) async throws -> Regulation?
    /// Extends `holder`'s lease; false once the regulation is not pending or another holds it
    /// (this one's lease ended and another node took it over).
    func renew(id: String, holder: String, leaseUntil: Timestamp) async throws -> Bool
    /// Lets `holder`'s claim go at once, its attempt not counted (it waits on something else
    /// than itself: events received before it still wait for the processor). False when another
    /// holds it now.
    func release(id: String, holder: String) async throws -> Bool
    /// Records that `holder`'s attempt failed with `error` (kept until the next attempt ends) and
    /// holds the regulation back, pending, until `retryAt`. False when another holds it now.
    func retry(id: String, holder: String, error: EventError, retryAt: Timestamp) async throws -> Bool
    /// Records the end, if `holder` still holds it: `done` with what was done (and an access
    /// export), or `failed`. An erasure's subject is erased with it, leaving its digest. False
    /// when another holds it now.
    func finish(_ regulation: Regulation, holder: String, export: [UInt8]?, eraseSubject: Bool) async throws -> Bool
}

extension RegulationStore {
    /// The export whole, read a part at a time (for tests and small exports; the admin API
    /// streams the parts).
    public func export(id: String, tenant: Tenant) async throws -> [UInt8]? {
        var whole: [UInt8]?
        var part = 0
        while let bytes = try await exportPart(id: id, tenant: tenant, part: part) {
            whole = (whole ?? []) + bytes
            part += 1
        }
        return whole
    }
}
