/// What an asset sends through.
public enum AssetChannel: String, Sendable, Hashable, CaseIterable {
    case email
    case sms
    case push
    case print
}

/// Whether an asset needs the customer's consent: marketing does, transactional (a receipt, a
/// password reset) does not.
public enum AssetPurpose: String, Sendable, Hashable, CaseIterable {
    case marketing
    case transactional
}

/// One saved version of an asset: its content (Mustache templates, checked when saved) and
/// whether and when it was published.
public struct AssetVersion: Sendable, Hashable {
    /// 1, 2, 3… in the order saved.
    public var version: Int
    public var purpose: AssetPurpose
    /// The channel's fields (`AssetContentRules`), as a JSON object.
    public var content: JSONValue
    public var createdAt: Timestamp
    /// When it was made the live version; nil for a draft never published.
    public var publishedAt: Timestamp?

    public init(version: Int, purpose: AssetPurpose, content: JSONValue, createdAt: Timestamp, publishedAt: Timestamp?)
    {
        self.version = version
        self.purpose = purpose
        self.content = content
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }
}

/// An asset (the spec's "Campaign (Asset)"): what a send command names by `assetId`, per brand.
/// Its versions are kept; at most one is live (what sends use), and the newest one saved after
/// it, never published, is the draft.
public struct Asset: Sendable, Hashable {
    public var tenant: Tenant
    /// The spec's `assetId`, e.g. `202007-B-AbandonedBooking`.
    public var assetId: String
    public var name: String?
    /// Fixed when the asset is first saved.
    public var channel: AssetChannel
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// When it was archived: sends of it fail from then on.
    public var archivedAt: Timestamp?
    /// The live version's number, if one was published.
    public var liveVersion: Int?
    /// Every version, oldest first.
    public var versions: [AssetVersion]

    public init(
        tenant: Tenant,
        assetId: String,
        name: String?,
        channel: AssetChannel,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        archivedAt: Timestamp?,
        liveVersion: Int?,
        versions: [AssetVersion]
    ) {
        self.tenant = tenant
        self.assetId = assetId
        self.name = name
        self.channel = channel
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
        self.liveVersion = liveVersion
        self.versions = versions
    }

    public var live: AssetVersion? {
        guard let liveVersion else { return nil }
        return versions.first { $0.version == liveVersion }
    }

    /// The newest version saved after the live one and never published.
    public var draft: AssetVersion? {
        guard let newest = versions.last, newest.publishedAt == nil, newest.version > (liveVersion ?? 0) else {
            return nil
        }
        return newest
    }

    /// The purpose that sends go by: the live version's, else the draft's.
    public var purpose: AssetPurpose? { (live ?? draft)?.purpose }

    /// Whether `text` may be an asset id: the grammar of tenant ids (`TenantIdGrammar`).
    public static func isValidId(_ text: String) -> Bool { TenantIdGrammar.isValid(text) }
}
