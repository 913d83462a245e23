package import CairnCore
public import CairnStorage

/// What tests look at beside the processor's unit of work: the waiting events, the profiles a
/// batch would read, and a result committed by hand. Not part of `ProcessingStore`: only tests
/// need them.
package protocol ProcessingInspection: Sendable {
    func pendingEvents(limit: Int) async throws -> [LoggedEvent]
    func profiles(userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) async throws -> [CustomerProfile]
    func commit(_ result: ProfileProcessor.Result, processedAt: Timestamp) async throws
}

extension SQLiteProcessingStore: ProcessingInspection {}
extension PostgresProcessingStore: ProcessingInspection {}

extension CairnStores {
    /// The processing store's inspection hooks (both backends' stores have them).
    package var inspection: any ProcessingInspection {
        // Both ProcessingStore implementations conform just above; a new one must too.
        processing as! any ProcessingInspection
    }
}
