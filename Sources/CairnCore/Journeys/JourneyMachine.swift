import Foundation

/// The journey logic, pure: an instance and an input in; its next state, the sends to make, the
/// steps it took, and when it next wakes out. The engine that runs it keeps the state, timers
/// and messages in the database; this decides.
public enum JourneyMachine {
    public enum Input: Sendable, Hashable {
        /// Enter at a step (the entry step, or `stepIdToTrigger`).
        case enter(stepId: String)
        /// Its wake time came: a wait ends, a wait_for_event times out.
        case wake
        /// An event of the customer's: a wait_for_event's match, or an exitOn that ends it.
        case event(name: String)
    }

    /// A send step reached: the engine plans the asset's message for the customer.
    public struct Send: Sendable, Hashable {
        public var stepId: String
        public var assetId: String
        public var visit: Int

        public init(stepId: String, assetId: String, visit: Int) {
            self.stepId = stepId
            self.assetId = assetId
            self.visit = visit
        }
    }

    public struct Progress: Sendable, Hashable {
        public var instance: JourneyInstance
        public var sends: [Send]
        public var steps: [JourneyStepRecord]
        /// Whether anything changed (an event a waiting instance ignores changes nothing).
        public var changed: Bool

        public init(
            instance: JourneyInstance,
            sends: [Send] = [],
            steps: [JourneyStepRecord] = [],
            changed: Bool = false
        ) {
            self.instance = instance
            self.sends = sends
            self.steps = steps
            self.changed = changed
        }
    }

    /// What the customer is, for a split.
    public struct Customer: Sendable, Hashable {
        public var traits: [String: JSONValue]
        public var consent: [String: ChannelConsent]

        public init(traits: [String: JSONValue], consent: [String: ChannelConsent]) {
            self.traits = traits
            self.consent = consent
        }
    }

    /// The most steps one input moves an instance through (definitions allow no loop without a
    /// wait, so this bounds only a definition changed under a running instance).
    static let maximumStepsPerInput = 1000

    public static func advance(
        _ instance: JourneyInstance,
        in definition: JourneyDefinition,
        on input: Input,
        customer: Customer,
        timeZone zoneName: String,
        at now: Timestamp
    ) -> Progress {
        var progress = step(instance, definition, input, customer, zoneName, now)
        progress.instance.listening = listening(progress.instance, definition)
        return progress
    }

    private static func step(
        _ instance: JourneyInstance,
        _ definition: JourneyDefinition,
        _ input: Input,
        _ customer: Customer,
        _ zoneName: String,
        _ now: Timestamp
    ) -> Progress {
        let timeZone = TimeZone(identifier: zoneName) ?? TimeZone(secondsFromGMT: 0)!
        var progress = Progress(instance: instance, sends: [], steps: [], changed: false)
        guard instance.status == .active else { return progress }
        switch input {
        case .enter(let stepId):
            run(from: stepId, &progress, definition, customer, timeZone, now)
        case .event(let name):
            if definition.exits(on: name) {
                end(&progress, .exited, stepId: instance.stepId ?? definition.entryStepId, type: "exit_on", now)
                return progress
            }
            guard let current = instance.stepId, let step = definition.step(current),
                case .waitForEvent(let event, _, let matched, _) = step.kind,
                event.lowercased() == name.lowercased()
            else { return progress }
            record(&progress, step, outcome: "matched", now)
            go(to: matched, &progress, definition, customer, timeZone, now)
        case .wake:
            guard let wakeAt = instance.wakeAt, wakeAt <= now, let current = instance.stepId,
                let step = definition.step(current)
            else { return progress }
            switch step.kind {
            case .wait(_, let next):
                record(&progress, step, outcome: "waited", now)
                go(to: next, &progress, definition, customer, timeZone, now)
            case .waitForEvent(_, _, _, let timedOut):
                record(&progress, step, outcome: "timed_out", now)
                go(to: timedOut, &progress, definition, customer, timeZone, now)
            default:
                // Woken on a step that does not wait (the definition changed): go on from it.
                run(from: current, &progress, definition, customer, timeZone, now)
            }
        }
        return progress
    }

    /// What an instance listens for while active: its journey's exitOn and every wait_for_event's
    /// event (from the start, so an awaited event that comes before the wait is recorded still
    /// counts; one that does not apply to its step changes nothing).
    public static func listening(_ instance: JourneyInstance, _ definition: JourneyDefinition) -> Set<String> {
        guard instance.status == .active else { return [] }
        return definition.listenedFor
    }

    private static func go(
        to next: String?,
        _ progress: inout Progress,
        _ definition: JourneyDefinition,
        _ customer: Customer,
        _ timeZone: TimeZone,
        _ now: Timestamp
    ) {
        guard let next else {
            end(&progress, .completed, stepId: progress.instance.stepId ?? definition.entryStepId, type: "end", now)
            return
        }
        run(from: next, &progress, definition, customer, timeZone, now)
    }

    private static func run(
        from first: String,
        _ progress: inout Progress,
        _ definition: JourneyDefinition,
        _ customer: Customer,
        _ timeZone: TimeZone,
        _ now: Timestamp
    ) {
        progress.changed = true
        progress.instance.wakeAt = nil
        progress.instance.awaiting = nil
        var id: String? = first
        for _ in 0..<maximumStepsPerInput {
            guard let current = id else {
                end(&progress, .completed, stepId: progress.instance.stepId ?? first, type: "end", now)
                return
            }
            guard let step = definition.step(current) else {
                end(&progress, .completed, stepId: current, type: "missing", now)
                return
            }
            progress.instance.stepId = current
            progress.instance.visits += 1
            let visit = progress.instance.visits
            switch step.kind {
            case .send(let assetId, let next):
                progress.sends.append(Send(stepId: current, assetId: assetId, visit: visit))
                record(&progress, step, outcome: "sent", now)
                id = next
            case .wait(let wait, _):
                progress.instance.wakeAt = wakeTime(wait, timeZone: timeZone, after: now)
                record(&progress, step, outcome: "waiting", now)
                return
            case .waitForEvent(let event, let timeout, _, _):
                progress.instance.awaiting = event
                progress.instance.wakeAt = now.adding(timeout.duration)
                record(&progress, step, outcome: "waiting", now)
                return
            case .split(let condition, let yes, let no):
                let holds = condition.holds(
                    traits: customer.traits,
                    consent: customer.consent,
                    data: progress.instance.data
                )
                record(&progress, step, outcome: holds ? "yes" : "no", now)
                id = holds ? yes : no
            case .exit:
                end(&progress, .completed, stepId: current, type: "exit", now)
                return
            }
        }
        end(&progress, .completed, stepId: id ?? first, type: "step_limit", now)
    }

    private static func record(_ progress: inout Progress, _ step: JourneyStep, outcome: String, _ now: Timestamp) {
        progress.steps.append(
            JourneyStepRecord(
                at: now,
                stepId: step.id,
                type: step.typeName,
                outcome: outcome,
                visit: progress.instance.visits
            )
        )
    }

    private static func end(
        _ progress: inout Progress,
        _ status: JourneyInstance.Status,
        stepId: String,
        type: String,
        _ now: Timestamp
    ) {
        progress.changed = true
        progress.instance.status = status
        progress.instance.stepId = nil
        progress.instance.wakeAt = nil
        progress.instance.awaiting = nil
        progress.instance.endedAt = now
        progress.steps.append(
            JourneyStepRecord(
                at: now,
                stepId: stepId,
                type: type,
                outcome: status == .exited ? "exited" : "completed",
                visit: progress.instance.visits
            )
        )
    }

    /// When a wait ends: its duration on, or the next time of day in the brand's zone strictly
    /// after `now` (across a daylight-saving change, the wall-clock time as it is that day; a time
    /// the change skips is the first moment after it).
    static func wakeTime(_ wait: JourneyStep.Wait, timeZone: TimeZone, after now: Timestamp) -> Timestamp {
        switch wait {
        case .duration(let duration):
            return now.adding(duration.duration)
        case .until(let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let start = Date(timeIntervalSince1970: Double(now.millisecondsSinceEpoch) / 1000)
            let next =
                calendar.nextDate(
                    after: start,
                    matching: DateComponents(hour: hour, minute: minute, second: 0),
                    matchingPolicy: .nextTime
                ) ?? start.addingTimeInterval(86_400)
            return Timestamp(millisecondsSinceEpoch: Int64((next.timeIntervalSince1970 * 1000).rounded()))
        }
    }
}
