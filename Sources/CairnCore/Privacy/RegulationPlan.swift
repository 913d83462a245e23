/// What carrying out a regulation does, step by step: the order is a rule of its own. Every step
/// is idempotent and the order lets a worker that died part way start again from the first:
/// a suppression is made before anything is erased (so that nothing the customer sends
/// meanwhile is kept), and profiles go last, since the customer's other data is found by them.
public struct RegulationPlan: Sendable, Hashable {
    /// An erasure waits until the events its brand received before it was asked for are
    /// processed: processed afterwards, they would bring the customer back.
    public var awaitsEarlierEvents: Bool
    public var steps: [RegulationStep]

    public init(awaitsEarlierEvents: Bool, steps: [RegulationStep]) {
        self.awaitsEarlierEvents = awaitsEarlierEvents
        self.steps = steps
    }

    /// The plan of a regulation of `type`.
    public init(for type: RegulationType) {
        var steps: [RegulationStep] = []
        if let (kind, adds) = type.suppression {
            steps.append(adds ? .suppress(kind) : .unsuppress(kind))
            // A suppressed customer is sent nothing more, not even what was already waiting.
            if adds, kind == .suppress { steps.append(.cancelWaiting) }
        }
        if type.erases { steps += Self.erasure.map(RegulationStep.erase) }
        if type == .access { steps.append(.export(Self.exported)) }
        self.init(awaitsEarlierEvents: type.erases, steps: steps)
    }

    /// The order of an erasure: events and messages while the profile still finds them, then
    /// what earlier regulations kept, and the profile last.
    public static let erasure: [PersonalData] = [.events, .messages, .journeys, .regulations, .profiles]

    /// What an access export holds besides the profiles: the customers' events, messages and journeys.
    public static let exported: [PersonalData] = [.events, .messages, .journeys]
}

/// One step of a regulation's plan.
public enum RegulationStep: Sendable, Hashable {
    /// Adds the suppression under every key of the customers (and the subject's own).
    case suppress(SuppressionKind)
    /// Lifts the suppression from those keys, and from every key the same regulation added.
    case unsuppress(SuppressionKind)
    /// Cancels what waits to be done for the customers (messages not yet sent).
    case cancelWaiting
    /// Erases one kind of the customers' data.
    case erase(PersonalData)
    /// Exports these kinds of the customers' data, with their profiles.
    case export([PersonalData])
}
