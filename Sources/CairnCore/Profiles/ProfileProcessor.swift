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
        /// anonymousIds newly tied to a customer (after joins).
        public var newAnonymousIds: [IdentityKey: String]
        public var outcomes: [EventOutcome]
    }

    private var snapshot: ProfileSnapshot
    private var changed: Set<String> = []
    private var merged: [String: String] = [:]
    private var newAnonymousIds: [IdentityKey: String] = [:]
    private let makeCustomerId: () -> String

    public init(snapshot: ProfileSnapshot, makeCustomerId: @escaping () -> String) {
        self.snapshot = snapshot
        self.makeCustomerId = makeCustomerId
    }

    /// Applies `events` (in log order) and returns the changes.
    public static func process(
        _ events: [LoggedEvent],
        snapshot: ProfileSnapshot,
        makeCustomerId: @escaping () -> String
    ) -> Result {
        var processor = ProfileProcessor(snapshot: snapshot, makeCustomerId: makeCustomerId)
        var outcomes = events.map { processor.apply($0) }
        // An event applied to an anonymous profile that a later event of the batch joined to its user.
        for index in outcomes.indices {
            if let id = outcomes[index].customerId, let target = processor.merged[id] {
                outcomes[index].customerId = target
            }
        }
        return Result(
            profiles: processor.changed.sorted().compactMap { processor.snapshot.profiles[$0] },
            mergedCustomers: processor.merged,
            newAnonymousIds: processor.newAnonymousIds.mapValues { processor.merged[$0] ?? $0 },
            outcomes: outcomes
        )
    }

    mutating func apply(_ logged: LoggedEvent) -> EventOutcome {
        guard case .object(let body)? = try? JSONParser.parse(logged.entry.body, maxDepth: 512) else {
            return EventOutcome(sequence: logged.sequence, status: .failed, customerId: nil, errors: [.unreadableBody])
        }
        let event = logged.entry.event
        let customerId = resolve(event, tenant: logged.entry.tenant)
        guard var profile = snapshot.profiles[customerId] else {
            preconditionFailure("resolve always returns a profile in the snapshot")
        }
        profile.saw(at: event.eventTime)
        var errors: [EventError] = []
        switch event.action {
        case .identify:
            if event.userId != nil { profile.identified = true }
            if case .object(let traits)? = body["traits"] {
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
            let command = event.eventName.flatMap { try? Command.parse(eventName: $0, body: body) }
            if command != nil, !profile.identified { errors.append(.customerNotIdentified) }
        case .page, .screen, .batch:
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

    /// Finds (or creates) the customer an event belongs to, joining an anonymous profile to
    /// its user the first time an event carries both ids.
    private mutating func resolve(_ event: ValidatedEvent, tenant: Tenant) -> String {
        let byUser = snapshot.customer(userId: event.userId, tenant: tenant)
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
                customerId: makeCustomerId(),
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
            store(created)
            return created.customerId
        }
        if let byAnonymous { return byAnonymous }
        let created = CustomerProfile(
            customerId: makeCustomerId(),
            tenant: tenant,
            userId: nil,
            anonymousIds: Set(event.anonymousId.map { [$0] } ?? []),
            firstSeen: event.eventTime,
            lastSeen: event.eventTime
        )
        if let anonymousId = event.anonymousId {
            newAnonymousIds[IdentityKey(tenant, anonymousId)] = created.customerId
        }
        store(created)
        return created.customerId
    }

    private mutating func join(_ anonymous: CustomerProfile, into customerId: String) {
        guard var target = snapshot.profiles[customerId] else { return }
        target.absorb(anonymous)
        snapshot.remove(anonymous.customerId)
        changed.remove(anonymous.customerId)
        for (from, to) in merged where to == anonymous.customerId { merged[from] = customerId }
        merged[anonymous.customerId] = customerId
        store(target)
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
