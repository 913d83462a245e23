public import CairnCore

/// Each brand's channel providers (its SMTP server, its SMS account). The settings are kept
/// sealed (`SecretBox`): the store never sees a secret in the clear.
public protocol ChannelStore: Sendable {
    /// Sets (or replaces) a brand's provider for one channel.
    func put(_ record: ChannelRecord) async throws
    func channels(tenant: Tenant) async throws -> [ChannelRecord]
    func channel(tenant: Tenant, channel: AssetChannel) async throws -> ChannelRecord?
    /// False when the brand had no provider for that channel.
    func remove(tenant: Tenant, channel: AssetChannel) async throws -> Bool
    /// The brand's VAPID key pair for Web Push, sealed; nil until one is kept.
    func pushKey(tenant: Tenant) async throws -> [UInt8]?
    /// Keeps `sealed` as the brand's VAPID key pair unless it has one already (another node may
    /// have made one meanwhile): the one kept.
    func keepPushKey(_ sealed: [UInt8], tenant: Tenant, at time: Timestamp) async throws -> [UInt8]
}

public struct ChannelRecord: Sendable, Hashable {
    public var tenant: Tenant
    public var channel: AssetChannel
    public var provider: String
    /// The provider's settings as JSON, sealed.
    public var sealedSettings: [UInt8]
    /// What may be shown: the settings with every secret masked.
    public var summary: JSONValue
    public var updatedAt: Timestamp
    /// The most of the brand's messages on this channel in flight at once, across all nodes (nil:
    /// the server's default): a provider that takes few connections is not flooded, and one brand
    /// never holds every sender.
    public var maxInFlight: Int?

    public init(
        tenant: Tenant,
        channel: AssetChannel,
        provider: String,
        sealedSettings: [UInt8],
        summary: JSONValue,
        updatedAt: Timestamp,
        maxInFlight: Int? = nil
    ) {
        self.tenant = tenant
        self.channel = channel
        self.provider = provider
        self.sealedSettings = sealedSettings
        self.summary = summary
        self.updatedAt = updatedAt
        self.maxInFlight = maxInFlight
    }
}
