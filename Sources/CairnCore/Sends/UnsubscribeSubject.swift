/// What an unsubscribe link names: one customer of one brand, by their userId (which still
/// finds them after a merge into another customer), on one channel. The link needs no login:
/// its token seals the subject under a key derived from the server's `SecretKey` (`UnsubscribeSigner`).
public struct UnsubscribeSubject: Sendable, Hashable {
    public var tenant: Tenant
    public var userId: String
    public var channel: AssetChannel

    public init(tenant: Tenant, userId: String, channel: AssetChannel) {
        self.tenant = tenant
        self.userId = userId
        self.channel = channel
    }
}
