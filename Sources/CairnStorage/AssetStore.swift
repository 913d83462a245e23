public import CairnCore

/// Assets and their versions, per brand. The schema keeps (brand, assetId, version) unique and
/// at most one live version per asset.
public protocol AssetStore: Sendable {
    /// Saves a new draft version (creating the asset, and its brand, if new) and returns the asset.
    /// Throws `AssetStoreError.channelMismatch` when the asset exists with another channel, and
    /// `.archived` when it is archived.
    func saveDraft(_ draft: AssetDraft, at time: Timestamp) async throws -> Asset
    /// Makes the draft the live version. Throws `.notFound`, `.archived` or `.noDraft`.
    func publish(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Asset
    /// Archives the asset (sends of it fail from then on); false when there is no such asset
    /// or it was archived already.
    func archive(tenant: Tenant, assetId: String, at time: Timestamp) async throws -> Bool
    /// The asset with all its versions; nil when the brand has no such asset.
    func asset(tenant: Tenant, assetId: String) async throws -> Asset?
    /// The brand's assets, by id, with all their versions.
    func assets(tenant: Tenant) async throws -> [Asset]
}

/// What one save of an asset says.
public struct AssetDraft: Sendable, Hashable {
    public var tenant: Tenant
    public var assetId: String
    public var name: String?
    public var channel: AssetChannel
    public var purpose: AssetPurpose
    /// Checked content (`AssetContentRules.validate`).
    public var content: JSONValue

    public init(
        tenant: Tenant,
        assetId: String,
        name: String?,
        channel: AssetChannel,
        purpose: AssetPurpose,
        content: JSONValue
    ) {
        self.tenant = tenant
        self.assetId = assetId
        self.name = name
        self.channel = channel
        self.purpose = purpose
        self.content = content
    }
}

/// Why an asset could not be changed.
public enum AssetStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound
    case archived
    case noDraft
    /// The asset was first saved for another channel, which it keeps.
    case channelMismatch(existing: AssetChannel)

    public var description: String {
        switch self {
        case .notFound: return "no such asset"
        case .archived: return "the asset is archived"
        case .noDraft: return "the asset has no draft to publish"
        case .channelMismatch(let existing): return "the asset's channel is \(existing)"
        }
    }
}
