/// An id a client knows a customer by (a userId or an anonymousId), within one brand.
public struct IdentityKey: Sendable, Hashable {
    public var tenant: Tenant
    public var id: String

    public init(_ tenant: Tenant, _ id: String) {
        self.tenant = tenant
        self.id = id
    }
}

/// The profiles a batch of events may touch, indexed by the ids clients use.
public struct ProfileSnapshot: Sendable {
    public private(set) var profiles: [String: CustomerProfile] = [:]
    private(set) var byUserId: [IdentityKey: String] = [:]
    private(set) var byAnonymousId: [IdentityKey: String] = [:]

    public init(_ profiles: [CustomerProfile] = []) {
        for profile in profiles { put(profile) }
    }

    public mutating func put(_ profile: CustomerProfile) {
        profiles[profile.customerId] = profile
        if let userId = profile.userId { byUserId[IdentityKey(profile.tenant, userId)] = profile.customerId }
        for anonymousId in profile.anonymousIds {
            byAnonymousId[IdentityKey(profile.tenant, anonymousId)] = profile.customerId
        }
    }

    mutating func remove(_ customerId: String) {
        profiles[customerId] = nil
    }

    func customer(userId: String?, tenant: Tenant) -> String? {
        userId.flatMap { byUserId[IdentityKey(tenant, $0)] }
    }

    func customer(anonymousId: String?, tenant: Tenant) -> String? {
        anonymousId.flatMap { byAnonymousId[IdentityKey(tenant, $0)] }
    }
}
