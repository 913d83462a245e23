/// The kinds of personal data Cairn holds about a customer, each kept by one store. A regulation's
/// plan names them to say what is erased (or exported) in which order; its result counts each
/// under `rawValue`.
public enum PersonalData: String, Sendable, Hashable, CaseIterable {
    /// The payloads and ids of the customer's events (the events stay, as ids and times).
    case events
    /// The recipients and content of the messages sent (or to be sent) to the customer.
    case messages
    /// The customer's journeys: where they are and every step they took.
    case journeys
    /// What finished regulations about the customer kept of them: subjects and access exports.
    case regulations = "earlierRegulations"
    /// The customer's profile, ids and group memberships.
    case profiles

    /// Whether it is erased a slice at a time (so that no transaction holds the writer long),
    /// rather than all at once: a customer may have many events and messages, but few of
    /// anything else.
    public var isErasedInSlices: Bool { self == .events || self == .messages }

    /// What the result of a suppression counts under, for what waited to be done for the customer
    /// and was cancelled (`messagesCancelled`).
    public var cancelledKey: String { rawValue + "Cancelled" }
}
