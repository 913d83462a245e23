/// Why an SMS did not go: whether trying again can help, and the provider's own code and words.
/// Never holds the auth token.
public struct SMSError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Worth another attempt later: rate limits, Twilio's 5xx, connection failures, time-outs.
        case transient
        /// Trying again gives the same answer: bad numbers, unsubscribed recipients, bad credentials.
        case permanent
    }

    public var kind: Kind
    /// The HTTP status Twilio answered; nil when no answer came.
    public var httpStatus: Int?
    /// Twilio's error code (21211, 20429, …) when its body had one.
    public var providerCode: Int?
    /// e.g. "Twilio 21211: The 'To' number +1500555 is not a valid phone number."
    public var message: String
    /// The recipient told Twilio to stop (21610): the customer's SMS consent is withdrawn.
    public var withdrawsConsent: Bool

    public init(
        kind: Kind,
        httpStatus: Int? = nil,
        providerCode: Int? = nil,
        message: String,
        withdrawsConsent: Bool = false
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.message = message
        self.withdrawsConsent = withdrawsConsent
    }

    public var description: String { message }
}
