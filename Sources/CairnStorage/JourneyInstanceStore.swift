public import CairnCore

/// Customers on journeys, as the journey engine steps them. Each active instance with a wake time
/// is its own durable timer: claimed when due with a lease (as the outbox's messages are), and
/// its step recorded in one transaction with the messages it made, fenced by the claim's attempt
/// (a claim that lost its lease writes nothing, so a step is never taken twice).
public protocol JourneyInstanceStore: Sendable {
    /// Claims up to `limit` active instances whose wake time has come, or that were told of an
    /// event they listen for, and whose lease (if any) has ended, leasing each for `lease` (on PostgreSQL, by the database's clock).
    func claimDue(now: Timestamp, lease: Duration, limit: Int) async throws -> [ClaimedInstance]
    /// Records claimed instances' progress in one transaction: each one's new state, the steps it
    /// took and the messages its sends made; false for one (nothing of it written) whose claim
    /// is no longer its.
    func record(_ progresses: [InstanceProgress], at time: Timestamp) async throws -> [Bool]
    /// One instance with the steps it took, oldest first.
    func instance(tenant: Tenant, instanceId: String) async throws -> (JourneyInstance, [JourneyStepRecord])?
    /// The instances a start_journey event made.
    func instances(eventId: EventID) async throws -> [JourneyInstance]
    /// How many active instances are due now (the `cairn_journey_timers_due` gauge).
    func dueCount(now: Timestamp) async throws -> Int
    /// A journey's instances, newest first: `status` and `userId` when given, `limit` at most,
    /// those older than the instance `before` when given.
    func instances(
        tenant: Tenant,
        journeyId: String,
        status: JourneyInstance.Status?,
        userId: String?,
        limit: Int,
        before: String?
    ) async throws -> [JourneyInstance]
    /// How many active instances are on each step of a journey.
    func stepCounts(tenant: Tenant, journeyId: String) async throws -> [String: Int]
}

extension JourneyInstanceStore {
    /// Records one claimed instance's progress (see `record(_:at:)` of many).
    public func record(_ progress: InstanceProgress, at time: Timestamp) async throws -> Bool {
        try await record([progress], at: time).first ?? false
    }
}

/// An instance as the engine holds it: the claim that leased it.
public struct ClaimedInstance: Sendable {
    public var instance: JourneyInstance
    /// The claim's number (the instance's attempts after it): what fences its writes.
    public var attempt: Int
    /// The customer's events it listens for that came since it last stepped, oldest first.
    public var signals: [Signal]

    public struct Signal: Sendable, Hashable {
        public var id: Int64
        public var eventName: String
        /// The event's time.
        public var at: Timestamp

        public init(id: Int64, eventName: String, at: Timestamp) {
            self.id = id
            self.eventName = eventName
            self.at = at
        }
    }

    public init(instance: JourneyInstance, attempt: Int, signals: [Signal] = []) {
        self.instance = instance
        self.attempt = attempt
        self.signals = signals
    }
}

/// One claimed instance's step: its new state, what it did, and the messages it made.
public struct InstanceProgress: Sendable {
    public var attempt: Int
    /// Its new state; `listening` says which of the customer's events it waits on from now.
    public var instance: JourneyInstance
    public var steps: [JourneyStepRecord]
    public var messages: [OutboxMessage]
    /// The last signal it took in (those up to it are done with).
    public var signalsThrough: Int64?

    public init(
        attempt: Int,
        instance: JourneyInstance,
        steps: [JourneyStepRecord],
        messages: [OutboxMessage],
        signalsThrough: Int64? = nil
    ) {
        self.attempt = attempt
        self.instance = instance
        self.steps = steps
        self.messages = messages
        self.signalsThrough = signalsThrough
    }
}
