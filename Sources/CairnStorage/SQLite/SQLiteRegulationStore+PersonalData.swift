public import CairnCore
import Foundation
import GRDB

/// What finished regulations kept of a customer, in SQLite: erased with the customer.
extension SQLiteRegulationStore: PersonalDataStore {
    public var personalData: PersonalData { .regulations }

    /// Erases what finished regulations about the subject's keys kept: their subjects (the
    /// digests stay) and access exports. Pending ones keep theirs, to find the customer by.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        let keys = subject.keys
        return try await database.write { db in
            let erase = try db.cachedStatement(
                sql: """
                    UPDATE regulations SET subject_value = NULL, export = NULL
                    WHERE client_id = ? AND account_id = ? AND brand_id = ? AND subject_digest = ?
                        AND status <> 'pending' AND (subject_value IS NOT NULL OR export IS NOT NULL)
                    """
            )
            var erased = 0
            for key in keys {
                try erase.execute(arguments: [
                    key.tenant.clientId, key.tenant.accountId, key.tenant.brandId, key.digest,
                ])
                erased += db.changesCount
            }
            return erased
        }
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Nothing: an export does not hold earlier regulations.
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] { [:] }
}
