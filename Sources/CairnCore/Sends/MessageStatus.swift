/// Where a message stands in the outbox, from the processor's insert to the provider's receipt.
public enum MessageStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its (next) attempt.
    case queued
    /// Claimed by a sender; a crash leaves it here until its lease ends, then it is tried again.
    case sending
    /// The provider accepted it.
    case sent
    /// The provider reported it reached the recipient.
    case delivered
    /// Refused for good (a permanent error, or the customer withdrew consent before it left).
    case failed
    /// Every attempt failed with a transient error.
    case dead
}

/// Why a message did not go (or was not delivered): a stable code and a sentence.
public struct MessageError: Error, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
