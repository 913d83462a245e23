public import CairnCore
import PostgresNIO

/// What finished regulations kept of a customer, in PostgreSQL: erased with the customer.
extension PostgresRegulationStore: PersonalDataStore {
    public var personalData: PersonalData { .regulations }

    /// Erases what finished regulations about the subject's keys kept: their subjects (the
    /// digests stay) and access exports. Pending ones keep theirs, to find the customer by.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        guard !subject.keys.isEmpty else { return 0 }
        let arrays = PostgresKeyArrays(subject.keys)
        return try await database.query(
            """
            UPDATE regulations r SET subject_value = NULL, export = NULL
            FROM unnest(\(arrays.clients), \(arrays.accounts), \(arrays.brands), \(arrays.ids))
                AS k(cl, ac, br, digest)
            WHERE r.client_id = k.cl AND r.account_id = k.ac AND r.brand_id = k.br AND r.subject_digest = k.digest
                AND r.status <> 'pending' AND (r.subject_value IS NOT NULL OR r.export IS NOT NULL)
            RETURNING r.id
            """
        ).count
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Nothing: an export does not hold earlier regulations.
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] { [:] }
}
