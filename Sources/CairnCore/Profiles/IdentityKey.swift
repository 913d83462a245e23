/// An id a client knows a customer by (a userId or an anonymousId), within one brand.
public struct IdentityKey: Sendable, Hashable {
    public var tenant: Tenant
    public var id: String

    public init(_ tenant: Tenant, _ id: String) {
        self.tenant = tenant
        self.id = id
    }
}

extension IdentityKey {
    /// The userIds and anonymousIds a batch of events names.
    public static func keys(of events: [LoggedEvent]) -> (userIds: Set<IdentityKey>, anonymousIds: Set<IdentityKey>) {
        var userIds: Set<IdentityKey> = []
        var anonymousIds: Set<IdentityKey> = []
        for logged in events {
            let (tenant, event) = (logged.entry.tenant, logged.entry.event)
            if let userId = event.userId { userIds.insert(IdentityKey(tenant, userId)) }
            if let anonymousId = event.anonymousId { anonymousIds.insert(IdentityKey(tenant, anonymousId)) }
        }
        return (userIds, anonymousIds)
    }
}

/// The profiles a batch of events may touch, indexed by the ids clients use.
public struct ProfileSnapshot: Sendable {
    public private(set) var profiles: [String: CustomerProfile] = [:]
    private(set) var byUserId: [IdentityKey: String] = [:]
    private(set) var byAnonymousId: [IdentityKey: String] = [:]

    /// `anonymousIndex` adds anonymousIds known to belong to these profiles beyond the ids each
    /// profile lists (a store need not load every anonymousId of a profile, only those asked for).
    public init(_ profiles: [CustomerProfile] = [], anonymousIndex: [IdentityKey: String] = [:]) {
        for profile in profiles { put(profile) }
        for (key, customerId) in anonymousIndex where profiles.contains(where: { $0.customerId == customerId }) {
            byAnonymousId[key] = customerId
        }
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
