/// The profiles and groups a batch of events may touch, indexed by the ids clients use, and
/// what its send commands name: their assets and the brands' own channel providers.
public struct ProfileSnapshot: Sendable {
    public private(set) var profiles: [String: CustomerProfile] = [:]
    public private(set) var groups: [IdentityKey: GroupProfile] = [:]
    /// The assets send commands name, by brand and assetId.
    public var assets: [IdentityKey: Asset] = [:]
    /// The channels the brands of send commands have a provider of their own for.
    public var brandChannels: Set<BrandChannel> = []
    /// The journeys start_journey commands name, and their customers' instances of them.
    public var enrolments = JourneyEnrolments()
    /// The batch's customers with an instance listening for their events (exitOn, wait_for_event).
    public var journeyListeners: Set<String> = []
    /// The suppressions the batch's customers may be under (see `BatchKeys.suppressionKeys`).
    public var suppressions = Suppressions()
    private(set) var byUserId: [IdentityKey: String] = [:]
    private(set) var byAnonymousId: [IdentityKey: String] = [:]

    /// `anonymousIndex` adds anonymousIds (and aliases) known to belong to these profiles beyond
    /// the ids each profile lists (a store need not load every anonymousId of a profile, only
    /// those asked for).
    public init(
        _ profiles: [CustomerProfile] = [],
        anonymousIndex: [IdentityKey: String] = [:],
        groups: [GroupProfile] = []
    ) {
        for profile in profiles { put(profile) }
        let ids = Set(profiles.map(\.customerId))
        for (key, customerId) in anonymousIndex where ids.contains(customerId) {
            byAnonymousId[key] = customerId
        }
        for group in groups { self.groups[group.key] = group }
    }

    public mutating func put(_ profile: CustomerProfile) {
        profiles[profile.customerId] = profile
        if let userId = profile.userId { byUserId[IdentityKey(profile.tenant, userId)] = profile.customerId }
        for anonymousId in profile.anonymousIds {
            byAnonymousId[IdentityKey(profile.tenant, anonymousId)] = profile.customerId
        }
    }

    mutating func put(_ group: GroupProfile) {
        groups[group.key] = group
    }

    /// Removes a profile merged into another, pointing every id that found it at `target`.
    mutating func merge(_ customerId: String, into target: String) {
        profiles[customerId] = nil
        for (key, value) in byUserId where value == customerId { byUserId[key] = nil }
        for (key, value) in byAnonymousId where value == customerId { byAnonymousId[key] = target }
    }

    func customer(userId: String?, tenant: Tenant) -> String? {
        userId.flatMap { byUserId[IdentityKey(tenant, $0)] }
    }

    func customer(anonymousId: String?, tenant: Tenant) -> String? {
        anonymousId.flatMap { byAnonymousId[IdentityKey(tenant, $0)] }
    }

    /// The known customer a userId names: by their userId, or by an alias an alias call (or a
    /// merge) gave them. An anonymousId of a not-yet-known person never counts as a userId.
    func knownCustomer(userId: String?, tenant: Tenant) -> String? {
        if let byUser = customer(userId: userId, tenant: tenant) { return byUser }
        guard let aliased = customer(anonymousId: userId, tenant: tenant),
            profiles[aliased]?.userId != nil
        else { return nil }
        return aliased
    }
}

/// One brand's channel (its email, its SMS…).
public struct BrandChannel: Sendable, Hashable {
    public var tenant: Tenant
    public var channel: AssetChannel

    public init(tenant: Tenant, channel: AssetChannel) {
        self.tenant = tenant
        self.channel = channel
    }
}
