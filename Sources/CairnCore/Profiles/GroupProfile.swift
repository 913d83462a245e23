/// An account (Segment's group) of one brand: the traits its group calls set. Customers list
/// the groups they belong to (`CustomerProfile.groupIds`).
public struct GroupProfile: Sendable, Hashable {
    public var tenant: Tenant
    public var groupId: String
    public var traits: [String: JSONValue]
    /// The per-path event times of `traits` (see `TraitMerge`).
    public var traitTimes: [String: JSONValue]
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp

    public init(
        tenant: Tenant,
        groupId: String,
        traits: [String: JSONValue] = [:],
        traitTimes: [String: JSONValue] = [:],
        firstSeen: Timestamp,
        lastSeen: Timestamp
    ) {
        self.tenant = tenant
        self.groupId = groupId
        self.traits = traits
        self.traitTimes = traitTimes
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    public var key: IdentityKey { IdentityKey(tenant, groupId) }

    /// Merges a group call's traits, newest event time winning per path.
    mutating func apply(traits incoming: [String: JSONValue], at time: Timestamp) {
        firstSeen = min(firstSeen, time)
        lastSeen = max(lastSeen, time)
        (traits, traitTimes) = TraitMerge.apply(incoming, at: time, to: traits, times: traitTimes)
    }
}
