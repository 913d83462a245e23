public import CairnChannels
public import CairnCore

/// Where the outbox finds the sender of a brand's channel.
public protocol SenderDirectory: Sendable {
    func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup
    /// Closes every sender's sessions.
    func shutdown() async
}

/// A brand channel's sender, or the outcome of an attempt that cannot be made: transient when the
/// settings cannot be read now, permanent when there are none or they cannot be used.
public enum SenderLookup: Sendable {
    case found(any ChannelSender)
    case unavailable(SendOutcome)
}
