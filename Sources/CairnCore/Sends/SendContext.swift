/// What the processor needs beyond the batch to turn send commands into messages.
public struct SendContext: Sendable {
    /// Channels with a server-wide provider (from the configuration): every brand has them.
    public var defaultChannels: Set<AssetChannel>
    /// Cairn's public base URL without a trailing slash (`https://cairn.example.com`), for unsubscribe links.
    public var publicBaseURL: String?
    public var unsubscribe: UnsubscribeSigner?
    /// How long a push device is kept unseen (`--push-device-expiry`).
    public var pushDeviceExpiry: Duration

    public init(
        defaultChannels: Set<AssetChannel>,
        publicBaseURL: String?,
        unsubscribe: UnsubscribeSigner?,
        pushDeviceExpiry: Duration = PushDevice.defaultExpiry
    ) {
        self.defaultChannels = defaultChannels
        self.publicBaseURL = publicBaseURL
        self.unsubscribe = unsubscribe
        self.pushDeviceExpiry = pushDeviceExpiry
    }

    /// No provider anywhere: every send ends `channel_not_configured`.
    public static let none = SendContext(defaultChannels: [], publicBaseURL: nil, unsubscribe: nil)

    /// The one-click unsubscribe link for a customer and channel, when the server can seal one.
    public func unsubscribeURL(for subject: UnsubscribeSubject) -> String? {
        guard let publicBaseURL, let unsubscribe else { return nil }
        return publicBaseURL + "/u/" + unsubscribe.token(for: subject)
    }
}
