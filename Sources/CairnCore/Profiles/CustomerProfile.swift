/// One customer of one brand: who they are, what they told us, which channels they agreed to.
public struct CustomerProfile: Sendable, Hashable {
    /// Cairn's own stable id for the customer; never the client's id.
    public var customerId: String
    public var tenant: Tenant
    public var userId: String?
    public var anonymousIds: Set<String>
    /// Whether an identify event with a userId has been applied: only then can commands reach them.
    public var identified: Bool
    public var traits: [String: JSONValue]
    /// The per-path event times of `traits` (see `TraitMerge`).
    public var traitTimes: [String: JSONValue]
    public var consent: [String: ChannelConsent]
    /// The groups (accounts) group calls put the customer in.
    public var groupIds: Set<String>
    /// The devices pushes go to, by deviceId.
    public var devices: [String: PushDevice]
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp

    public init(
        customerId: String,
        tenant: Tenant,
        userId: String?,
        anonymousIds: Set<String> = [],
        identified: Bool = false,
        traits: [String: JSONValue] = [:],
        traitTimes: [String: JSONValue] = [:],
        consent: [String: ChannelConsent] = [:],
        groupIds: Set<String> = [],
        devices: [String: PushDevice] = [:],
        firstSeen: Timestamp,
        lastSeen: Timestamp
    ) {
        self.customerId = customerId
        self.tenant = tenant
        self.userId = userId
        self.anonymousIds = anonymousIds
        self.identified = identified
        self.traits = traits
        self.traitTimes = traitTimes
        self.consent = consent
        self.groupIds = groupIds
        self.devices = devices
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// The `email` trait, by which profiles can be looked up.
    public var email: String? { traits["email"]?.stringValue }

    /// Registers `device`: a newer registration of the same deviceId replaces the older one.
    /// A token (or a browser's endpoint) belongs to one device: another deviceId holding it is
    /// the same install under another name (an app's own id and an SDK's), and goes. At most
    /// `PushDevice.maximumPerCustomer` are kept, the least recently seen going first.
    mutating func register(_ device: PushDevice) {
        if let known = devices[device.deviceId], known.lastSeen > device.lastSeen { return }
        let address = device.address
        devices = devices.filter { $0.key == device.deviceId || $0.value.address != address }
        devices[device.deviceId] = device
        while devices.count > PushDevice.maximumPerCustomer,
            let oldest = devices.values.min(by: { ($0.lastSeen, $0.deviceId) < ($1.lastSeen, $1.deviceId) })
        {
            devices[oldest.deviceId] = nil
        }
    }

    /// Forgets the devices not seen within `expiry` before `now`.
    mutating func pruneDevices(at now: Timestamp, expiry: Duration) {
        guard devices.values.contains(where: { $0.hasExpired(at: now, expiry: expiry) }) else { return }
        devices = devices.filter { !$0.value.hasExpired(at: now, expiry: expiry) }
    }

    mutating func saw(at time: Timestamp) {
        firstSeen = min(firstSeen, time)
        lastSeen = max(lastSeen, time)
    }

    /// Takes in another profile of the same person (an anonymous one being joined to this, or
    /// one an alias call merges): its ids (its userId kept as an alias), groups, history bounds,
    /// and its traits and consent beneath newer ones of this.
    mutating func absorb(_ other: CustomerProfile) {
        anonymousIds.formUnion(other.anonymousIds)
        if let otherUserId = other.userId, otherUserId != userId { anonymousIds.insert(otherUserId) }
        groupIds.formUnion(other.groupIds)
        for (id, theirs) in other.devices
        where (devices[id]?.lastSeen ?? .init(millisecondsSinceEpoch: .min)) < theirs.lastSeen {
            devices[id] = theirs
        }
        identified = identified || other.identified
        firstSeen = min(firstSeen, other.firstSeen)
        lastSeen = max(lastSeen, other.lastSeen)
        (traits, traitTimes) = TraitMerge.merge(other.traits, times: other.traitTimes, into: traits, times: traitTimes)
        for (channel, theirs) in other.consent {
            if let mine = consent[channel], mine.statedAt >= theirs.statedAt { continue }
            consent[channel] = theirs
        }
    }
}
