public import CairnCore

/// Sends one rendered message through one provider. Every sender answers with an outcome; none
/// throws, so the outbox never has to guess what an error means.
public protocol ChannelSender: Sendable {
    func send(_ message: OutboxMessage) async -> SendOutcome
    /// Sends a push to one of the customer's devices (`message.to` is its deviceId; the device as
    /// the claim read it). Senders of other channels answer that they send no pushes.
    func send(_ message: OutboxMessage, to device: PushDevice) async -> SendOutcome
    /// Closes what the sender keeps open (SMTP sessions).
    func shutdown() async
}

/// What one attempt came to.
public enum SendOutcome: Sendable, Hashable {
    /// The provider took it; its own id for it, when it gives one.
    case sent(providerMessageId: String?)
    /// Worth trying again later (4xx, a timeout before the message was handed over, the provider
    /// away); `retryAfter` when the provider said how long to leave it (`Retry-After`).
    case transient(MessageError, retryAfter: Duration? = nil)
    /// The whole message was handed over but no answer came (the connection closed or timed out
    /// after the final dot, or after a request was sent): the provider may or may not have taken
    /// it, so trying again may send it twice.
    case unknown(MessageError)
    /// Trying again will not help. `withdrawsConsent` when the provider says the recipient opted
    /// out; `removesDevice` when it says the push device is gone (its token unregistered).
    case permanent(MessageError, withdrawsConsent: Bool, removesDevice: Bool = false)
}

extension ChannelSender {
    public func send(_ message: OutboxMessage, to device: PushDevice) async -> SendOutcome {
        .permanent(
            .providerMisconfigured("The \(message.channel) channel's provider sends no pushes."),
            withdrawsConsent: false
        )
    }
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

    /// The provider was handed the whole message and never answered (`outcome_unknown`).
    public static func outcomeUnknown(_ message: String) -> MessageError {
        MessageError(
            code: "outcome_unknown",
            message: message + " The provider was handed the whole message but never answered; it may have taken it."
        )
    }

    /// The push service says the device's token or subscription is gone: the device is removed.
    public static func deviceUnregistered(_ message: String) -> MessageError {
        MessageError(code: "device_unregistered", message: message)
    }

    /// The push's device was removed (unregistered, expired or erased) after the message was made.
    public static let deviceRemoved = MessageError(
        code: "device_removed",
        message: "The customer's push device was removed before the message left."
    )

    public static let unsubscribed = MessageError(
        code: "channel_not_subscribed",
        message: "The customer withdrew consent to this channel before the message left."
    )
}
