/// Applies logged events to customer profiles, in log order. Pure: the caller loads the
/// profiles the events may touch, and stores the result in one transaction.
public struct ProfileProcessor {
    /// Everything one batch changed.
    public struct Result: Sendable {
        /// Final state of every profile created or changed.
        public var profiles: [CustomerProfile]
        /// Anonymous profiles joined into another: removed id → the id that absorbed it. A store
        /// moves the removed profile's anonymousIds and events to the one that absorbed it.
        public var mergedCustomers: [String: String]
        /// anonymousIds (and aliases) newly tied to a customer (after joins).
        public var newAnonymousIds: [IdentityKey: String]
        /// Final state of every group created or changed.
        public var groups: [GroupProfile]
        public var outcomes: [EventOutcome]
        /// Messages the batch's send commands made, for the outbox.
        public var messages: [OutboxMessage]
        /// Customers the batch's start_journey commands put on journeys: new instances, which the
        /// journey engine enters at once.
        public var journeyInstances: [JourneyInstance] = []
        /// Track events of customers whose instances listen for events: told to those that
        /// listen for their names.
        public var journeySignals: [JourneySignal] = []
        /// The customers the batch created (every other profile in `profiles` existed before it):
        /// a store updates those only if they still exist.
        public var createdCustomers: Set<String> = []

        public init(
            profiles: [CustomerProfile],
            mergedCustomers: [String: String],
            newAnonymousIds: [IdentityKey: String],
            groups: [GroupProfile] = [],
            outcomes: [EventOutcome],
            messages: [OutboxMessage] = []
        ) {
            self.profiles = profiles
            self.mergedCustomers = mergedCustomers
            self.newAnonymousIds = newAnonymousIds
            self.groups = groups
            self.outcomes = outcomes
            self.messages = messages
        }
    }

    var snapshot: ProfileSnapshot
    private var changed: Set<String> = []
    private var changedGroups: Set<IdentityKey> = []
    private var merged: [String: String] = [:]
    private var newAnonymousIds: [IdentityKey: String] = [:]
    var messages: [OutboxMessage] = []
    var instances: [JourneyInstance] = []
    private var signals: [JourneySignal] = []
    private var created: Set<String> = []
    let sends: SendPlanner
    let now: Timestamp
    /// Makes a new unique id (a UUID): for new customers and new messages.
    let makeId: () -> String

    public init(
        snapshot: ProfileSnapshot,
        sends: SendPlanner = SendPlanner(context: .none),
        now: Timestamp = Timestamp(millisecondsSinceEpoch: 0),
        makeId: @escaping () -> String
    ) {
        self.snapshot = snapshot
        self.sends = sends
        self.now = now
        self.makeId = makeId
    }

    /// Applies `events` (in log order) and returns the changes. `makeId` makes the ids of new
    /// customers and messages; `now` stamps the messages.
    public static func process(
        _ events: [LoggedEvent],
        snapshot: ProfileSnapshot,
        sends: SendPlanner = SendPlanner(context: .none),
        now: Timestamp = Timestamp(millisecondsSinceEpoch: 0),
        makeCustomerId makeId: @escaping () -> String
    ) -> Result {
        var processor = ProfileProcessor(snapshot: snapshot, sends: sends, now: now, makeId: makeId)
        var outcomes = events.map { processor.apply($0) }
        // An event applied to an anonymous profile that a later event of the batch joined to its user.
        for index in outcomes.indices {
            if let id = outcomes[index].customerId, let target = processor.merged[id] {
                outcomes[index].customerId = target
            }
        }
        for index in processor.messages.indices {
            if let target = processor.merged[processor.messages[index].customerId] {
                processor.messages[index].customerId = target
            }
        }
        for index in processor.instances.indices {
            if let target = processor.merged[processor.instances[index].customerId] {
                processor.instances[index].customerId = target
            }
        }
        for index in processor.signals.indices {
            if let target = processor.merged[processor.signals[index].customerId] {
                processor.signals[index].customerId = target
            }
        }
        var result = Result(
            profiles: processor.changed.sorted().compactMap { processor.snapshot.profiles[$0] },
            mergedCustomers: processor.merged,
            newAnonymousIds: processor.newAnonymousIds.mapValues { processor.merged[$0] ?? $0 },
            groups: processor.changedGroups.sorted { $0.id < $1.id }.compactMap { processor.snapshot.groups[$0] },
            outcomes: outcomes,
            messages: processor.messages
        )
        result.createdCustomers = processor.created
        result.journeyInstances = processor.instances
        result.journeySignals = processor.signals
        return result
    }

    mutating func apply(_ logged: LoggedEvent) -> EventOutcome {
        guard case .object(let body)? = try? JSONParser.parse(logged.entry.body, maxDepth: 512) else {
            return EventOutcome(sequence: logged.sequence, status: .failed, customerId: nil, errors: [.unreadableBody])
        }
        let event = logged.entry.event
        let tenant = logged.entry.tenant
        if event.action == .group, event.userId == nil, event.anonymousId == nil {
            // An account on its own (a Salesmachine account upsert): no person to file it under.
            updateGroup(event, body: body, tenant: tenant)
            return EventOutcome(sequence: logged.sequence, status: .processed, customerId: nil, errors: [])
        }
        if !snapshot.suppressions.isEmpty, let outcome = suppressedOutcome(logged, body: body) { return outcome }
        let customerId = event.action == .alias ? resolveAlias(event, tenant: tenant) : resolve(event, tenant: tenant)
        guard var profile = snapshot.profiles[customerId] else {
            preconditionFailure("resolve always returns a profile in the snapshot")
        }
        profile.saw(at: event.eventTime)
        var errors: [EventError] = []
        // Devices first: a command of this event sees the device it registers, not one expired.
        switch PushDevice.registered(by: event, body: body, receivedAt: logged.entry.receivedAt) {
        case .success(let device)?: profile.register(device)
        case .failure(let error)?: errors.append(error)
        case nil: break
        }
        profile.pruneDevices(at: now, expiry: sends.context.pushDeviceExpiry)
        switch event.action {
        case .identify:
            if event.userId != nil { profile.identified = true }
            if let traits = Self.identifyTraits(body) {
                (profile.traits, profile.traitTimes) = TraitMerge.apply(
                    traits,
                    at: event.eventTime,
                    to: profile.traits,
                    times: profile.traitTimes
                )
                profile.consent = ConsentRules.apply(
                    ConsentRules.statements(in: traits),
                    at: event.eventTime,
                    to: profile.consent
                )
            }
        case .track:
            if let name = event.eventName, snapshot.journeyListeners.contains(customerId) {
                signals.append(JourneySignal(customerId: customerId, eventName: name.lowercased(), at: event.eventTime))
            }
            switch event.eventName.flatMap({ try? Command.parse(eventName: $0, body: body) }) {
            case .send(let channel, let assetId)?:
                if let error = send(channel: channel, assetId: assetId, logged: logged, body: body, profile: profile) {
                    errors.append(error)
                }
            case .startJourney(let journeyId, let stepId)?:
                if let error = enter(journeyId: journeyId, stepId: stepId, logged: logged, body: body, profile: profile)
                {
                    errors.append(error)
                }
            case nil:
                break
            }
        case .group:
            if let groupId = event.groupId {
                updateGroup(event, body: body, tenant: tenant)
                profile.groupIds.insert(groupId)
            }
        case .page, .screen, .alias:
            break
        }
        store(profile)
        return EventOutcome(
            sequence: logged.sequence,
            status: errors.isEmpty ? .processed : .failed,
            customerId: customerId,
            errors: errors
        )
    }

    /// An identify call's traits: `traits`, over `context.traits` where RudderStack's SDKs put them.
    static func identifyTraits(_ body: [String: JSONValue]) -> [String: JSONValue]? {
        let top = body["traits"]?.objectValue
        guard let fromContext = body["context"]?["traits"]?.objectValue else { return top }
        guard let top else { return fromContext }
        return JSONValue.object(top).filling(defaults: .object(fromContext)).objectValue
    }

    /// Finds (or creates) the customer an event belongs to, joining an anonymous profile to
    /// its user the first time an event carries both ids.
    private mutating func resolve(_ event: ValidatedEvent, tenant: Tenant) -> String {
        let byUser = snapshot.knownCustomer(userId: event.userId, tenant: tenant)
        let byAnonymous = snapshot.customer(anonymousId: event.anonymousId, tenant: tenant)
        let anonymousProfile = byAnonymous.flatMap { snapshot.profiles[$0] }.flatMap { $0.userId == nil ? $0 : nil }

        if let userId = event.userId {
            if let customerId = byUser {
                if let anonymousProfile, anonymousProfile.customerId != customerId {
                    join(anonymousProfile, into: customerId)
                } else if let anonymousId = event.anonymousId, byAnonymous == nil {
                    addAnonymousId(anonymousId, to: customerId)
                }
                return customerId
            }
            if var claimed = anonymousProfile {
                claimed.userId = userId
                store(claimed)
                return claimed.customerId
            }
            var created = CustomerProfile(
                customerId: makeId(),
                tenant: tenant,
                userId: userId,
                firstSeen: event.eventTime,
                lastSeen: event.eventTime
            )
            // An anonymousId already known as another user's stays theirs.
            if let anonymousId = event.anonymousId, byAnonymous == nil {
                created.anonymousIds.insert(anonymousId)
                newAnonymousIds[IdentityKey(tenant, anonymousId)] = created.customerId
            }
            self.created.insert(created.customerId)
            store(created)
            return created.customerId
        }
        if let byAnonymous { return byAnonymous }
        let created = CustomerProfile(
            customerId: makeId(),
            tenant: tenant,
            userId: nil,
            anonymousIds: Set(event.anonymousId.map { [$0] } ?? []),
            firstSeen: event.eventTime,
            lastSeen: event.eventTime
        )
        if let anonymousId = event.anonymousId {
            newAnonymousIds[IdentityKey(tenant, anonymousId)] = created.customerId
        }
        self.created.insert(created.customerId)
        store(created)
        return created.customerId
    }

    /// An alias call: `previousId` (an anonymousId, or a userId the person had before) and
    /// `userId` are one person. Their profiles become one, kept under `userId`; `previousId`
    /// stays an alias that later events may still use.
    private mutating func resolveAlias(_ event: ValidatedEvent, tenant: Tenant) -> String {
        guard let userId = event.userId, let previousId = event.previousId else {
            return resolve(event, tenant: tenant)
        }
        let target = snapshot.knownCustomer(userId: userId, tenant: tenant)
        let previous =
            snapshot.knownCustomer(userId: previousId, tenant: tenant)
            ?? snapshot.customer(anonymousId: previousId, tenant: tenant)
        switch (previous, target) {
        case (let previous?, let target?):
            if previous != target, let absorbed = snapshot.profiles[previous] {
                join(absorbed, into: target)
            }
            return target
        case (let previous?, nil):
            guard var renamed = snapshot.profiles[previous] else { return previous }
            if let formerUserId = renamed.userId, formerUserId != userId {
                renamed.anonymousIds.insert(formerUserId)
                newAnonymousIds[IdentityKey(tenant, formerUserId)] = renamed.customerId
            }
            renamed.userId = userId
            store(renamed)
            return renamed.customerId
        case (nil, let target?):
            addAnonymousId(previousId, to: target)
            return target
        case (nil, nil):
            let created = CustomerProfile(
                customerId: makeId(),
                tenant: tenant,
                userId: userId,
                anonymousIds: [previousId],
                firstSeen: event.eventTime,
                lastSeen: event.eventTime
            )
            newAnonymousIds[IdentityKey(tenant, previousId)] = created.customerId
            self.created.insert(created.customerId)
            store(created)
            return created.customerId
        }
    }

    /// Merges `absorbed` into the customer `customerId`; a userId it had stays as an alias.
    private mutating func join(_ absorbed: CustomerProfile, into customerId: String) {
        guard var target = snapshot.profiles[customerId] else { return }
        target.absorb(absorbed)
        if let formerUserId = absorbed.userId {
            newAnonymousIds[IdentityKey(absorbed.tenant, formerUserId)] = customerId
        }
        snapshot.merge(absorbed.customerId, into: customerId)
        changed.remove(absorbed.customerId)
        for (from, to) in merged where to == absorbed.customerId { merged[from] = customerId }
        merged[absorbed.customerId] = customerId
        store(target)
    }

    private mutating func updateGroup(_ event: ValidatedEvent, body: [String: JSONValue], tenant: Tenant) {
        guard let groupId = event.groupId else { return }
        let key = IdentityKey(tenant, groupId)
        var group =
            snapshot.groups[key]
            ?? GroupProfile(tenant: tenant, groupId: groupId, firstSeen: event.eventTime, lastSeen: event.eventTime)
        group.apply(traits: body["traits"]?.objectValue ?? [:], at: event.eventTime)
        snapshot.put(group)
        changedGroups.insert(key)
    }

    private mutating func addAnonymousId(_ anonymousId: String, to customerId: String) {
        guard var profile = snapshot.profiles[customerId] else { return }
        profile.anonymousIds.insert(anonymousId)
        newAnonymousIds[IdentityKey(profile.tenant, anonymousId)] = customerId
        store(profile)
    }

    private mutating func store(_ profile: CustomerProfile) {
        snapshot.put(profile)
        changed.insert(profile.customerId)
    }
}
