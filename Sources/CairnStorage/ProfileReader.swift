public import CairnCore

/// Customer profiles, groups and timelines as the read APIs show them.
public protocol ProfileReader: Sendable {
    /// The group (account) `groupId` as group calls left it.
    func group(groupId: String, tenant: Tenant) async throws -> GroupProfile?
    func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile?
    func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile?
    /// Every profile whose `email` trait is `email` (several customers may share one).
    func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile]
    /// The customer's events, newest first: at most `size`, and only those that start within
    /// `maxBytes` of stored bodies (the first always), so that a page of large events stays small.
    func timeline(customerId: String, tenant: Tenant, from: Int, size: Int, maxBytes: Int) async throws -> [StoredEvent]
    /// The customers a regulation's subject names in a brand, with all their anonymousIds: by
    /// userId (or an alias), by anonymousId, or by email (any case; several may share one).
    func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile]
}

extension ProfileReader {
    /// The customer's events, newest first, at most `size`.
    public func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent] {
        try await timeline(customerId: customerId, tenant: tenant, from: from, size: size, maxBytes: Int.max)
    }
}
