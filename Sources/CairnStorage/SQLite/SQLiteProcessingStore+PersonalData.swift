public import CairnCore
import GRDB

/// The profiles' part of a regulation in SQLite: deleted last, with whatever the processor
/// linked to them since the earlier steps.
extension SQLiteProcessingStore: PersonalDataStore {
    public var personalData: PersonalData { .profiles }

    /// Deletes the customers' profiles, their ids and group memberships, all at once; in the same
    /// transaction, what the processor linked to the customers since the earlier steps (their
    /// events' payloads, their messages, their journeys) is erased first. Returns how many rows changed.
    public func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int {
        try await SQLiteErasure.eachCustomer(subject.customerIds, in: database) { db, id in
            try SQLiteErasure.eraseEvents(ofCustomer: id, db)
            try SQLiteErasure.eraseMessages(of: id, at: time, db)
            // Their journeys (and the steps they took) go with them: nothing more is sent them.
            try db.execute(
                sql:
                    "DELETE FROM journey_steps WHERE instance_id IN (SELECT instance_id FROM journey_instances WHERE customer_id = ?)",
                arguments: [id]
            )
            try db.execute(sql: "DELETE FROM journey_instances WHERE customer_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM customer_aliases WHERE customer_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM customers WHERE id = ?", arguments: [id])
        }
    }

    public func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

    /// Nothing: the profiles head the export, found by `ProfileReader.customers(of:tenant:)`.
    public func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] { [:] }
}
