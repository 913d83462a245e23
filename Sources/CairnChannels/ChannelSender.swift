public import CairnCore

/// Sends one rendered message through one provider. Every sender answers with an outcome; none
/// throws, so the outbox never has to guess what an error means.
public protocol ChannelSender: Sendable {
    func send(_ message: OutboxMessage) async -> SendOutcome
    /// Closes what the sender keeps open (SMTP sessions).
    func shutdown() async
}

/// What one attempt came to.
public enum SendOutcome: Sendable, Hashable {
    /// The provider took it; its own id for it, when it gives one.
    case sent(providerMessageId: String?)
    /// Worth trying again later (4xx, a timeout, the provider away, or an unknown outcome).
    case transient(MessageError)
    /// Trying again will not help. `withdrawsConsent` when the provider says the recipient opted out.
    case permanent(MessageError, withdrawsConsent: Bool)
}

extension MessageError {
    /// The provider refused the message; `message` carries its own code and words.
    public static func providerRejected(_ message: String) -> MessageError {
        MessageError(code: "provider_rejected", message: message)
    }

    /// The provider could not be reached, or did not answer in time.
    public static func providerUnavailable(_ message: String) -> MessageError {
        MessageError(code: "provider_unavailable", message: message)
    }

    /// The channel's settings are wrong (a bad URL, a secret that cannot be opened).
    public static func providerMisconfigured(_ message: String) -> MessageError {
        MessageError(code: "provider_misconfigured", message: message)
    }

    public static let unsubscribed = MessageError(
        code: "channel_not_subscribed",
        message: "The customer withdrew consent to this channel before the message left."
    )
}
