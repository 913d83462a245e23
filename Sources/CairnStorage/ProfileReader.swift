public import CairnCore

/// Customer profiles, groups and timelines as the read APIs show them.
public protocol ProfileReader: Sendable {
    /// The group (account) `groupId` as group calls left it.
    func group(groupId: String, tenant: Tenant) async throws -> GroupProfile?
    func profile(customerId: String, tenant: Tenant) async throws -> CustomerProfile?
    func profile(userId: String, tenant: Tenant) async throws -> CustomerProfile?
    /// Every profile whose `email` trait is `email` (several customers may share one).
    func profiles(email: String, tenant: Tenant) async throws -> [CustomerProfile]
    /// The customer's events, newest first.
    func timeline(customerId: String, tenant: Tenant, from: Int, size: Int) async throws -> [StoredEvent]
}
