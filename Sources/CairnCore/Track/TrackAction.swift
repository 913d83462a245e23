/// The actions of the Track API, named by the last path component of
/// `/track/{clientId}/{accountId}/{brandId}/v1/{action}`.
public enum TrackAction: String, Sendable, CaseIterable {
    case identify
    case track
    case page
    case screen
    case batch

    /// Reads an action name in any letter case.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The stored action of a single event sent to this path; nil for `batch`.
    public var eventAction: EventAction? {
        EventAction(rawValue: rawValue)
    }

    /// The event actions the Track API takes (a batch item names one of these).
    public static let eventActions: [EventAction] = [.identify, .track, .page, .screen]
}
