public import CairnCore

/// A store that holds personal data can erase and export a data subject's. A regulation's worker
/// walks its plan (`RegulationPlan`) over every such store of the database, so a store that
/// starts holding personal data joins erasures and exports by conforming and being listed in
/// `CairnStores.personalData`. Every method is idempotent: a worker that died part way repeats it.
public protocol PersonalDataStore: Sendable {
    /// The kind of personal data it holds (what the plan orders).
    var personalData: PersonalData { get }
    /// Erases the subject's data, or a slice of it: up to `limit` rows for data erased in slices
    /// (fewer once none are left); data erased all at once ignores `limit`. Returns how many.
    func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int
    /// Cancels what waits to be done for a subject just suppressed (messages not yet sent),
    /// changing up to `page` rows per statement; returns how many, or nil when it holds nothing
    /// that waits.
    func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int?
    /// The subject's data for an access export, by customer id (the profiles themselves head the
    /// export: a store of them returns nothing here). A backend that reads in statements of its
    /// own reads up to `page` rows with each; one that reads all in one transaction may ignore it.
    func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]]
}

/// Whom a regulation is about, as the stores find them: the customers its subject names, and
/// every suppression key of theirs (with the subject's own).
public struct DataSubject: Sendable, Hashable {
    public var tenant: Tenant
    public var customerIds: [String]
    public var keys: Set<SuppressionKey>
    /// Every userId and anonymousId the subject goes by, as written: for the events that name them
    /// without being linked to a customer (those the processor failed).
    public var identities: [String]

    public init(tenant: Tenant, customerIds: [String], keys: Set<SuppressionKey> = [], identities: [String] = []) {
        self.tenant = tenant
        self.customerIds = customerIds
        self.keys = keys
        self.identities = identities
    }

    /// The customers `subject` names in `tenant`, with every key they and the subject go by.
    public init(_ subject: RegulationSubject, customers: [CustomerProfile], tenant: Tenant) {
        var keys = customers.reduce(into: Set<SuppressionKey>()) { $0.formUnion($1.suppressionKeys) }
        keys.insert(subject.key(in: tenant))
        var identities = Set(customers.flatMap { [$0.userId].compactMap { $0 } + $0.anonymousIds })
        if subject.kind != .email, let value = subject.value { identities.insert(value) }
        self.init(
            tenant: tenant,
            customerIds: customers.map(\.customerId),
            keys: keys,
            identities: identities.sorted()
        )
    }
}
