/// The actions of the Track API, named by the last path component of
/// `/track/{clientId}/{accountId}/{brandId}/v1/{action}`.
public enum TrackAction: String, Sendable, CaseIterable {
    case identify
    case track
    case page
    case screen
    case batch

    /// The actions a single event (or a batch item) can have.
    public static let eventActions: [TrackAction] = [.identify, .track, .page, .screen]

    /// Reads an action name in any letter case.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }
}
