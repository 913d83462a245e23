/// What a start_journey needs to know, in the processor's snapshot: the journeys its commands
/// name (live version and status), and the customers' instances of them so far.
public struct JourneyEnrolments: Sendable {
    /// By brand and journeyId.
    public var journeys: [IdentityKey: Journey] = [:]
    /// Per customer and journeyId: whether they have an active instance (true) or only ended ones.
    public var instances: [String: [String: Bool]] = [:]

    public init() {}

    /// Whether the customer may enter, by the journey's `reentry`.
    func mayEnter(_ customerId: String, journeyId: String, reentry: JourneyDefinition.Reentry) -> Bool {
        guard let active = instances[customerId]?[journeyId] else { return true }
        switch reentry {
        case .never: return false
        case .afterExit: return !active
        case .always: return true
        }
    }

    mutating func entered(_ customerId: String, journeyId: String) {
        instances[customerId, default: [:]][journeyId] = true
    }
}

extension EventError {
    public static let journeyNotFound = EventError(
        code: "journey_not_found",
        message: "No journey of this brand has that journeyIdToTrigger (24 hexadecimal digits)."
    )
    public static let journeyNotLive = EventError(
        code: "journey_not_live",
        message: "The journey is not live (never published, paused or archived): it takes no one now."
    )
    public static let stepNotFound = EventError(
        code: "step_not_found",
        message: "The journey's live version has no step with that stepIdToTrigger."
    )
    public static let alreadyInJourney = EventError(
        code: "already_in_journey",
        message: "The customer is on this journey already, or was, and its reentry rule lets them in only once."
    )
}

extension JourneyInstance {
    /// The journey data of a start event: its root fields, with its properties beneath them, as
    /// a send's merge data reads an event (`MergeData(event:customer:)`).
    public static func data(of body: [String: JSONValue]) -> [String: JSONValue] {
        MergeData(event: .object(body), customer: nil).root
    }

    /// Not yet entered: the engine enters it at `stepId`, at once.
    public var isNew: Bool { visits == 0 && status == .active }
}

/// A customer's event that instances listening for it are told of (an exitOn, a wait_for_event).
public struct JourneySignal: Sendable, Hashable {
    public var customerId: String
    /// Lowercase.
    public var eventName: String
    public var at: Timestamp

    public init(customerId: String, eventName: String, at: Timestamp) {
        self.customerId = customerId
        self.eventName = eventName
        self.at = at
    }
}
