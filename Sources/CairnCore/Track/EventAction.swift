/// What a stored event is. The Track API sends the first four; the Segment surface (and the
/// Salesmachine one, translated) adds `group` (the account a customer belongs to) and `alias`
/// (two ids of one person).
public enum EventAction: String, Sendable, CaseIterable {
    case identify
    case track
    case page
    case screen
    case group
    case alias

    /// Reads an action name in any letter case.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }
}
