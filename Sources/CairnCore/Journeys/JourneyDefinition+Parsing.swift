import Foundation

/// Why a journey definition is refused when saved: a stable code, a sentence, and the step.
public struct JourneyRejection: Error, Sendable, Hashable {
    public var code: String
    public var message: String
    public var stepId: String?

    public init(code: String, message: String, stepId: String? = nil) {
        self.code = code
        self.message = message
        self.stepId = stepId
    }
}

extension JourneyDefinition {
    /// The most steps a journey has.
    static let maximumSteps = 500

    /// Reads and checks a definition: every refusal names its step. The assets its sends name are
    /// checked by the caller (`assetIds`), which knows the brand's.
    public init(json: JSONValue) throws(JourneyRejection) {
        guard case .object(let fields) = json else {
            throw JourneyRejection(code: "invalid_journey", message: "A journey is a JSON object.")
        }
        let known: Set<String> = ["name", "entryStepId", "reentry", "exitOn", "steps"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw JourneyRejection(
                code: "unknown_field",
                message: "A journey has no field \"\(unknown)\"; it has name, entryStepId, reentry, exitOn and steps."
            )
        }
        guard let name = fields["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty,
            name.count <= 200
        else {
            throw JourneyRejection(code: "invalid_name", message: "name is a string of 1 to 200 characters.")
        }
        var reentry = Reentry.never
        if let value = fields["reentry"], !value.isNull {
            guard let text = value.stringValue, let parsed = Reentry(rawValue: text) else {
                throw JourneyRejection(code: "invalid_reentry", message: "reentry is never, after_exit or always.")
            }
            reentry = parsed
        }
        var exitOn: [String] = []
        if let value = fields["exitOn"], !value.isNull {
            guard let items = value.arrayValue, items.allSatisfy({ ($0.stringValue ?? "").isEmpty == false }) else {
                throw JourneyRejection(code: "invalid_exit_on", message: "exitOn is a list of event names.")
            }
            exitOn = items.compactMap(\.stringValue)
        }
        guard let items = fields["steps"]?.arrayValue, !items.isEmpty else {
            throw JourneyRejection(code: "no_steps", message: "steps is a non-empty list of steps.")
        }
        guard items.count <= Self.maximumSteps else {
            throw JourneyRejection(code: "too_many_steps", message: "A journey has at most \(Self.maximumSteps) steps.")
        }
        var steps: [JourneyStep] = []
        var seen: Set<String> = []
        for item in items {
            let step = try JourneyStep(json: item)
            guard seen.insert(step.id).inserted else {
                throw JourneyRejection(
                    code: "duplicate_step_id",
                    message: "Two steps have the id \(step.id).",
                    stepId: step.id
                )
            }
            steps.append(step)
        }
        var entry = steps[0].id
        if let value = fields["entryStepId"], !value.isNull {
            guard let text = value.stringValue, let id = JourneyStep.normalizedId(text) else {
                throw JourneyRejection(code: "invalid_step_id", message: "entryStepId is a step's UUID.")
            }
            guard seen.contains(id) else {
                throw JourneyRejection(code: "unknown_step", message: "entryStepId names no step.", stepId: id)
            }
            entry = id
        }
        self.init(name: name, entryStepId: entry, reentry: reentry, exitOn: exitOn, steps: steps)
        try checkGraph()
    }

    /// Every `next` names a step, every step can be reached from the entry, and no loop goes
    /// round without a wait (which would step a customer forever at once).
    func checkGraph() throws(JourneyRejection) {
        let ids = Set(steps.map(\.id))
        for step in steps {
            if let missing = step.successors.first(where: { !ids.contains($0) }) {
                throw JourneyRejection(
                    code: "unknown_step",
                    message: "Step \(step.id) goes on to \(missing), which is no step of this journey.",
                    stepId: step.id
                )
            }
        }
        let byId = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0) })
        var reached: Set<String> = [entryStepId]
        var queue = [entryStepId]
        while let id = queue.popLast() {
            for next in byId[id]?.successors ?? [] where reached.insert(next).inserted { queue.append(next) }
        }
        // Steps entered by stepIdToTrigger count as reachable only through the graph: every step
        // must follow from the entry, so no step is dead weight.
        if let lost = steps.first(where: { !reached.contains($0.id) }) {
            throw JourneyRejection(
                code: "unreachable_step",
                message: "Step \(lost.id) cannot be reached from the entry step.",
                stepId: lost.id
            )
        }
        // A cycle among steps that do not wait: depth-first search over them alone.
        var state: [String: Int] = [:]  // 1: on the path, 2: done
        func visit(_ id: String) -> String? {
            state[id] = 1
            for next in byId[id]?.successors ?? [] where byId[next]?.waits == false {
                if state[next] == 1 { return next }
                if state[next] == nil, let found = visit(next) { return found }
            }
            state[id] = 2
            return nil
        }
        for step in steps where !step.waits && state[step.id] == nil {
            if let looped = visit(step.id) {
                throw JourneyRejection(
                    code: "loop_without_wait",
                    message: "Step \(looped) is on a loop with no wait or wait_for_event: a customer would go round it "
                        + "forever at once.",
                    stepId: looped
                )
            }
        }
    }
}

extension JourneyStep {
    /// A step id as stored: a UUID, lowercase; nil for anything else.
    public static func normalizedId(_ text: String) -> String? {
        guard text.isCanonicalUUID else { return nil }
        return text.lowercased()
    }

    init(json: JSONValue) throws(JourneyRejection) {
        guard case .object(let fields) = json else {
            throw JourneyRejection(code: "invalid_step", message: "A step is a JSON object with an id and a type.")
        }
        guard let text = fields["id"]?.stringValue, let id = Self.normalizedId(text) else {
            throw JourneyRejection(
                code: "invalid_step_id",
                message: "Every step's id is a UUID, such as 9d2f0c1e-0000-4000-8000-000000000001."
            )
        }
        func target(_ name: String) throws(JourneyRejection) -> String? {
            guard let value = fields[name], !value.isNull else { return nil }
            guard let text = value.stringValue, let next = Self.normalizedId(text) else {
                throw JourneyRejection(code: "invalid_step_id", message: "\(name) is a step's UUID.", stepId: id)
            }
            return next
        }
        func required(_ name: String) throws(JourneyRejection) -> String {
            guard let value = fields[name]?.stringValue, !value.isEmpty else {
                throw JourneyRejection(code: "missing_field", message: "This step needs \(name).", stepId: id)
            }
            return value
        }
        func duration(_ name: String) throws(JourneyRejection) -> JourneyDuration {
            let text = try required(name)
            guard let parsed = JourneyDuration(text) else {
                throw JourneyRejection(
                    code: "invalid_duration",
                    message: "\(name) \"\(text)\" is not an ISO 8601 duration of days, hours, minutes and seconds, "
                        + "such as PT2H or P1DT12H (at most a year).",
                    stepId: id
                )
            }
            return parsed
        }
        let kind: Kind
        switch fields["type"]?.stringValue {
        case "send":
            kind = .send(assetId: try required("assetId"), next: try target("next"))
        case "wait":
            if fields["duration"] != nil, fields["until"] == nil {
                kind = .wait(.duration(try duration("duration")), next: try target("next"))
            } else if fields["until"] != nil, fields["duration"] == nil {
                let text = try required("until")
                let parts = text.split(separator: ":")
                guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
                    let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
                else {
                    throw JourneyRejection(
                        code: "invalid_duration",
                        message: "until \"\(text)\" is a time of day as HH:MM, such as 09:00.",
                        stepId: id
                    )
                }
                kind = .wait(.until(hour: hour, minute: minute), next: try target("next"))
            } else {
                throw JourneyRejection(
                    code: "missing_field",
                    message: "A wait step has duration (such as PT2H) or until (such as 09:00), not both.",
                    stepId: id
                )
            }
        case "split":
            guard let value = fields["condition"] else {
                throw JourneyRejection(code: "missing_field", message: "A split step needs condition.", stepId: id)
            }
            let condition: JourneyCondition
            do throws(JourneyCondition.Refusal) {
                condition = try JourneyCondition(json: value)
            } catch {
                throw JourneyRejection(code: "invalid_condition", message: error.message, stepId: id)
            }
            kind = .split(condition, yes: try target("yes"), no: try target("no"))
        case "wait_for_event":
            kind = .waitForEvent(
                event: try required("event"),
                timeout: try duration("timeout"),
                matched: try target("matched"),
                timedOut: try target("timedOut")
            )
        case "exit":
            kind = .exit
        case let other:
            throw JourneyRejection(
                code: "unknown_step_type",
                message: "\(other.map { "\"\($0)\"" } ?? "A missing type") is not a step type: use send, wait, split, "
                    + "wait_for_event or exit.",
                stepId: id
            )
        }
        self.init(id: id, kind: kind)
    }
}
