public import CairnCore

/// Brands: named, with a time zone. A brand that a token or an event names exists with the
/// defaults until it is given a name.
public protocol BrandStore: Sendable {
    /// Creates the brands that do not exist yet, with the defaults; leaves existing ones alone.
    func ensure(_ tenants: Set<Tenant>, at time: Timestamp) async throws
    /// Creates or renames the brand.
    func save(_ tenant: Tenant, name: String, timeZone: String, at time: Timestamp) async throws -> Brand
    func brand(_ tenant: Tenant) async throws -> Brand?
    /// Every brand, by client, account and brand id.
    func list() async throws -> [Brand]
}
