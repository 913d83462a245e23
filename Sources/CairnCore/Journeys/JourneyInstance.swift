/// One customer's way through one journey: where they are, what the journey carries for them,
/// and when they next move on their own.
public struct JourneyInstance: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// On a step, or waiting on one.
        case active
        /// Reached an exit, or a step with nowhere to go.
        case completed
        /// Left early: an exitOn event, a paused or archived journey, a regulation.
        case exited
    }

    public var instanceId: String
    public var tenant: Tenant
    /// 24 hexadecimal digits.
    public var journeyId: String
    /// The version it started on, which it keeps.
    public var version: Int
    public var customerId: String
    public var userId: String?
    /// The start_journey event: the event every message of the instance names.
    public var eventId: EventID
    /// The start event's root fields and properties, for conditions and the assets' merge data.
    public var data: [String: JSONValue]
    public var status: Status
    /// The step it is on (waiting), nil once ended.
    public var stepId: String?
    /// Steps taken so far: the visit number of the next (a send is keyed by instance, step and visit).
    public var visits: Int
    /// When it moves on by itself (a wait's end, a wait_for_event's timeout).
    public var wakeAt: Timestamp?
    /// The event a wait_for_event step waits for.
    public var awaiting: String?
    public var enteredAt: Timestamp
    public var endedAt: Timestamp?
    /// The event names (lowercase) it listens for now: its journey's exitOn and a
    /// wait_for_event's event, while it is active. Kept beside it (not with its row).
    public var listening: Set<String> = []

    public init(
        instanceId: String,
        tenant: Tenant,
        journeyId: String,
        version: Int,
        customerId: String,
        userId: String?,
        eventId: EventID,
        data: [String: JSONValue],
        enteredAt: Timestamp
    ) {
        self.instanceId = instanceId
        self.tenant = tenant
        self.journeyId = journeyId
        self.version = version
        self.customerId = customerId
        self.userId = userId
        self.eventId = eventId
        self.data = data
        self.status = .active
        self.stepId = nil
        self.visits = 0
        self.wakeAt = nil
        self.awaiting = nil
        self.enteredAt = enteredAt
        self.endedAt = nil
    }
}

/// One step an instance took, as its history shows it.
public struct JourneyStepRecord: Sendable, Hashable {
    public var at: Timestamp
    public var stepId: String
    /// The step's type (`send`, `wait`, …), or `exit_on` for an exitOn event.
    public var type: String
    /// `sent` (a message planned), `waiting`, `waited`, `yes`, `no`, `matched`, `timed_out`,
    /// `completed`, `exited`, or a send's refusal code.
    public var outcome: String
    public var visit: Int
    /// The messages a send step made.
    public var messageIds: [String]

    public init(at: Timestamp, stepId: String, type: String, outcome: String, visit: Int, messageIds: [String] = []) {
        self.at = at
        self.stepId = stepId
        self.type = type
        self.outcome = outcome
        self.visit = visit
        self.messageIds = messageIds
    }
}
