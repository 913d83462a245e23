/// One version of a journey: its steps and how customers enter and leave it.
///
/// `{"name","entryStepId"?,"reentry":"never"|"after_exit"|"always","exitOn"?:[event names],
/// "steps":[…]}`; each step `{"id": UUID, "type", …}`: `send` `{"assetId","next"?}`, `wait`
/// `{"duration":"PT2H"}` or `{"until":"09:00"}` (the brand's time zone) and `"next"?`, `split`
/// `{"condition","yes","no"}`, `wait_for_event` `{"event","timeout","matched","timedOut"}`, and
/// `exit`. A step without `next` ends the journey after it.
public struct JourneyDefinition: Sendable, Hashable {
    public enum Reentry: String, Sendable, Hashable, CaseIterable {
        /// Once per customer, ever.
        case never
        /// Again once the customer's last instance has ended.
        case afterExit = "after_exit"
        /// However many at once.
        case always
    }

    public var name: String
    public var entryStepId: String
    public var reentry: Reentry
    /// Event names (any letter case) that end a customer's active instances: a goal reached.
    public var exitOn: [String]
    /// In the order given.
    public var steps: [JourneyStep]

    public init(name: String, entryStepId: String, reentry: Reentry, exitOn: [String], steps: [JourneyStep]) {
        self.name = name
        self.entryStepId = entryStepId
        self.reentry = reentry
        self.exitOn = exitOn
        self.steps = steps
    }

    public func step(_ id: String) -> JourneyStep? {
        steps.first { $0.id == id }
    }

    /// Whether an event of this name ends the customer's instances.
    public func exits(on event: String) -> Bool {
        let lowered = event.lowercased()
        return exitOn.contains { $0.lowercased() == lowered }
    }

    /// The event names (lowercase) its instances listen for: exitOn and every wait_for_event's.
    public var listenedFor: Set<String> {
        var names = Set(exitOn.map { $0.lowercased() })
        for step in steps {
            if case .waitForEvent(let event, _, _, _) = step.kind { names.insert(event.lowercased()) }
        }
        return names
    }

    /// The assets its send steps name.
    public var assetIds: [String] {
        steps.compactMap { step in
            if case .send(let assetId, _) = step.kind { return assetId }
            return nil
        }
    }
}

/// One step of a journey.
public struct JourneyStep: Sendable, Hashable {
    public enum Wait: Sendable, Hashable {
        case duration(JourneyDuration)
        /// A time of day ("09:00") in the brand's time zone: the next one after the step is reached.
        case until(hour: Int, minute: Int)
    }

    public enum Kind: Sendable, Hashable {
        case send(assetId: String, next: String?)
        case wait(Wait, next: String?)
        case split(JourneyCondition, yes: String?, no: String?)
        case waitForEvent(event: String, timeout: JourneyDuration, matched: String?, timedOut: String?)
        case exit
    }

    /// A UUID, lowercase.
    public var id: String
    public var kind: Kind

    public init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// The type's name as definitions write it.
    public var typeName: String {
        switch kind {
        case .send: return "send"
        case .wait: return "wait"
        case .split: return "split"
        case .waitForEvent: return "wait_for_event"
        case .exit: return "exit"
        }
    }

    /// The steps it may go on to.
    public var successors: [String] {
        switch kind {
        case .send(_, let next), .wait(_, let next): return next.map { [$0] } ?? []
        case .split(_, let yes, let no): return [yes, no].compactMap { $0 }
        case .waitForEvent(_, _, let matched, let timedOut): return [matched, timedOut].compactMap { $0 }
        case .exit: return []
        }
    }

    /// Whether the customer stays on it a while (so a loop through it is not endless at once).
    public var waits: Bool {
        switch kind {
        case .wait, .waitForEvent: return true
        default: return false
        }
    }
}
