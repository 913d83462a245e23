/// An id a client knows a customer (or a group) by, within one brand: a userId, an anonymousId,
/// an alias, or a groupId.
public struct IdentityKey: Sendable, Hashable {
    public var tenant: Tenant
    public var id: String

    public init(_ tenant: Tenant, _ id: String) {
        self.tenant = tenant
        self.id = id
    }
}

/// The ids a batch of events names: what a store loads before processing it.
public struct BatchKeys: Sendable, Equatable {
    /// Looked up as userIds (a store also tries each one missing there as an alias).
    public var userIds: Set<IdentityKey> = []
    /// Looked up as anonymousIds and aliases.
    public var anonymousIds: Set<IdentityKey> = []
    public var groupIds: Set<IdentityKey> = []
    /// The assets send commands name (brand and assetId).
    public var assetIds: Set<IdentityKey> = []
    /// The journeys start_journey commands name (brand and journeyId, lowercase).
    public var journeyIds: Set<IdentityKey> = []

    public init(userIds: Set<IdentityKey> = [], anonymousIds: Set<IdentityKey> = [], groupIds: Set<IdentityKey> = []) {
        self.userIds = userIds
        self.anonymousIds = anonymousIds
        self.groupIds = groupIds
    }

    public init(of events: [LoggedEvent]) {
        for logged in events {
            let (tenant, event) = (logged.entry.tenant, logged.entry.event)
            if let userId = event.userId { userIds.insert(IdentityKey(tenant, userId)) }
            if let anonymousId = event.anonymousId { anonymousIds.insert(IdentityKey(tenant, anonymousId)) }
            if let groupId = event.groupId { groupIds.insert(IdentityKey(tenant, groupId)) }
            if let assetId = Self.sendAssetId(logged) { assetIds.insert(IdentityKey(tenant, assetId)) }
            if let journeyId = Self.journeyId(logged) { journeyIds.insert(IdentityKey(tenant, journeyId)) }
            // An alias's earlier id may be a userId or an anonymousId.
            if let previousId = event.previousId {
                userIds.insert(IdentityKey(tenant, previousId))
                anonymousIds.insert(IdentityKey(tenant, previousId))
            }
        }
    }

    /// The assetId of a send command (only commands' bodies are read here).
    static func sendAssetId(_ logged: LoggedEvent) -> String? {
        let event = logged.entry.event
        guard event.action == .track, let name = event.eventName.flatMap(Command.Name.init(eventName:)),
            name != .startJourney,
            case .object(let body)? = try? JSONParser.parse(logged.entry.body, maxDepth: 512)
        else { return nil }
        return FieldReader.nonEmptyString(body["assetId"])
    }

    /// The journey a start_journey names, when it can be one (24 hexadecimal digits).
    static func journeyId(_ logged: LoggedEvent) -> String? {
        let event = logged.entry.event
        guard event.action == .track, event.eventName.flatMap(Command.Name.init(eventName:)) == .startJourney,
            case .object(let body)? = try? JSONParser.parse(logged.entry.body, maxDepth: 512),
            case .startJourney(let journeyId, _)? = try? Command.parse(eventName: "start_journey", body: body),
            Journey.isId(journeyId)
        else { return nil }
        return journeyId.lowercased()
    }

    /// The suppression keys to look up for a batch: its ids, the emails its identify calls
    /// give, and the userIds and emails of the profiles they found. (Reading the emails parses
    /// identify bodies: a store asks only when some suppression exists.)
    public static func suppressionKeys(
        of events: [LoggedEvent],
        keys: BatchKeys,
        profiles: some Sequence<CustomerProfile>
    ) -> Set<SuppressionKey> {
        var found = keys.suppressionKeys(profiles: profiles)
        for logged in events where logged.entry.event.action == .identify {
            guard case .object(let body)? = try? JSONParser.parse(logged.entry.body, maxDepth: 512),
                let email = ProfileProcessor.identifyTraits(body)?["email"]?.stringValue
            else { continue }
            found.insert(.email(email, tenant: logged.entry.tenant))
        }
        return found
    }

    func suppressionKeys(profiles: some Sequence<CustomerProfile>) -> Set<SuppressionKey> {
        var keys: Set<SuppressionKey> = []
        for key in userIds.union(anonymousIds) { keys.insert(.identity(key.id, tenant: key.tenant)) }
        for profile in profiles {
            if let userId = profile.userId { keys.insert(.identity(userId, tenant: profile.tenant)) }
            if let email = profile.email { keys.insert(.email(email, tenant: profile.tenant)) }
        }
        return keys
    }

    /// The brands whose channel providers a batch needs.
    public var sendTenants: Set<Tenant> { Set(assetIds.map(\.tenant)) }
}
