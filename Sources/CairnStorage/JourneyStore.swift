public import CairnCore

/// Brands' journeys and their versions. A journey's id is unique in its brand; versions are
/// numbered 1, 2, 3… in the order saved; at most one is live.
public protocol JourneyStore: Sendable {
    /// Creates a journey (and its brand, if new) with `definition` as its first, draft version.
    func create(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    /// Saves a new draft version. Throws `JourneyStoreError.notFound` or `.archived`.
    func saveDraft(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    /// Makes the draft the live version, and the journey live (a paused one stays paused).
    /// Throws `.notFound`, `.archived` or `.noDraft`.
    func publish(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey
    /// Pauses a live journey (`paused`), or resumes a paused one. Throws `.notFound`, `.archived`
    /// or `.notLive` (a draft has nothing to pause).
    func setPaused(_ paused: Bool, tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey
    /// Archives it; false when there is no such journey or it was archived already.
    func archive(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Bool
    /// The journey with all its versions; nil when the brand has none by that id.
    func journey(tenant: Tenant, journeyId: String) async throws -> Journey?
    /// The brand's journeys, newest first, `limit` at most, those created before `before` (a
    /// journey id of the previous page) when given.
    func journeys(tenant: Tenant, limit: Int, before: String?) async throws -> [Journey]
}

/// Why a journey could not be changed.
public enum JourneyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound
    case archived
    case noDraft
    case notLive

    public var description: String {
        switch self {
        case .notFound: return "no such journey"
        case .archived: return "the journey is archived"
        case .noDraft: return "the journey has no draft to publish"
        case .notLive: return "the journey was never published"
        }
    }
}
