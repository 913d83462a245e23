public import CairnCore
public import CairnStorage

/// Events, tokens and processing as the storage and server tests arrange them, built one way.
public enum EventFixtures {
    public static let tenant = Tenant(clientId: "c", accountId: "a", brandId: "B")
    /// A fixed receive time, so that ids and times are the same on every run.
    public static let receivedAt = Timestamp(millisecondsSinceEpoch: 1_700_000_000_123)

    /// A new token stored in `stores`: for `tenant`'s brand, or every brand of its account when `accountWide`.
    public static func token(
        in stores: CairnStores,
        tenant: Tenant = tenant,
        accountWide: Bool = false,
        rate: Double = TokenDefaults.rate,
        burst: Int = TokenDefaults.burst,
        at time: Timestamp = receivedAt
    ) async throws -> TokenRecord {
        let scope = TokenScope(
            clientId: tenant.clientId,
            accountId: tenant.accountId,
            brandId: accountWide ? nil : tenant.brandId
        )
        let (token, _) = TokenRecord.issue(scope: scope, rate: rate, burst: burst, now: time)
        try await stores.tokens.insert(token)
        return token
    }

    /// A logged event. Its body is the JSON of the fields given (plus `extra`) unless `body` is.
    public static func entry(
        _ action: EventAction = .track,
        token: TokenRecord,
        tenant: Tenant = tenant,
        name: String? = nil,
        userId: String? = nil,
        anonymousId: String? = nil,
        groupId: String? = nil,
        previousId: String? = nil,
        traits: JSONValue? = nil,
        extra: [String: JSONValue] = [:],
        eventTime: Timestamp? = nil,
        originalTimestamp: String? = nil,
        receivedAt: Timestamp = receivedAt,
        messageId: String? = nil,
        body: [UInt8]? = nil
    ) -> EventLogEntry {
        var fields = extra
        fields["type"] = .string(action.rawValue)
        if let name { fields[action == .track ? "event" : "name"] = .string(name) }
        if let userId { fields["userId"] = .string(userId) }
        if let anonymousId { fields["anonymousId"] = .string(anonymousId) }
        if let groupId { fields["groupId"] = .string(groupId) }
        if let previousId { fields["previousId"] = .string(previousId) }
        if let traits { fields["traits"] = traits }
        if let messageId { fields["messageId"] = .string(messageId) }
        if let originalTimestamp { fields["timestamp"] = .string(originalTimestamp) }
        let event = ValidatedEvent(
            action: action,
            eventName: name,
            userId: userId,
            anonymousId: anonymousId,
            originalTimestamp: originalTimestamp,
            eventTime: eventTime ?? originalTimestamp.flatMap(Timestamp.init(iso8601:)) ?? receivedAt,
            command: nil,
            groupId: groupId,
            previousId: previousId
        )
        return EventLogEntry(
            id: EventID.make(at: receivedAt),
            tenant: tenant,
            tokenId: token.id,
            event: event,
            receivedAt: receivedAt,
            body: body ?? JSONValue.object(fields).encoded(),
            messageId: messageId
        )
    }

    /// Processes every waiting event as the processor does; returns how many were processed.
    @discardableResult
    public static func processAll(
        _ stores: CairnStores,
        at time: Timestamp = receivedAt,
        batchSize: Int = 1000,
        sends: SendContext = .none
    ) async throws -> Int {
        var total = 0
        let planner = SendPlanner(context: sends)
        while true {
            let count = try await stores.processing.processPending(limit: batchSize, processedAt: time) {
                events,
                snapshot in
                ProfileProcessor.process(events, snapshot: snapshot, sends: planner, now: time) {
                    EventID.make(at: time).description
                }
            }
            if count == 0 { return total }
            total += count
        }
    }
}
