/// The one error of this module: a provider's settings refused, or a message a provider did not
/// take. Its `description` is `message`, a sentence that never holds a secret (no password, no
/// token); `debugDescription` adds the provider's codes.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Whether trying again can help.
    public enum Kind: Sendable, Hashable {
        /// Try again later: a 4xx reply, a rate limit, a connection refused, lost or timed out.
        case transient
        /// Trying again gives the same answer: a 5xx reply, a refused number, settings that cannot work.
        case permanent
        /// The message was handed over but no answer came: the provider may or may not have taken it.
        case unknownOutcome
    }

    /// What happened, as a stable code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The provider's settings were refused before any use (a bad URL, a missing field).
        public static let invalidSettings = Code(rawValue: "invalid_settings")
        /// The provider answered and refused (an SMTP reply, an HTTP answer from Twilio).
        public static let rejected = Code(rawValue: "rejected")
        /// No answer: the provider could not be reached, closed the connection or did not answer in time.
        public static let unavailable = Code(rawValue: "unavailable")
        /// Found before the provider said anything: the settings or the message cannot work with
        /// this provider (TLS, a certificate, AUTH, a sender, a size limit).
        public static let misconfigured = Code(rawValue: "misconfigured")

        public var description: String { rawValue }
    }

    public var code: Code
    public var kind: Kind
    /// A sentence naming the problem, with the provider's own words; never a secret.
    public var message: String
    /// SMTP: the reply's three-digit code.
    public var replyCode: Int?
    /// SMTP: the reply's RFC 3463 enhanced status code, e.g. "5.1.1".
    public var enhancedCode: String?
    /// Twilio: the HTTP status of its answer.
    public var httpStatus: Int?
    /// Twilio: its error code (21211, 20429, …) when the answer had one.
    public var providerCode: Int?
    /// The recipient told the provider to stop (Twilio's 21610): the channel's consent is withdrawn.
    public var withdrawsConsent: Bool
    /// The device is gone (FCM's UNREGISTERED, a push service's 404 or 410): forget it.
    public var removesDevice = false
    /// How long the provider asked to be left alone (`Retry-After`), for a transient error.
    public var retryAfter: Duration?
    /// FCM: the error's name (`UNREGISTERED`, `QUOTA_EXCEEDED`, …).
    public var providerStatus: String?

    public init(
        code: Code,
        kind: Kind,
        message: String,
        replyCode: Int? = nil,
        enhancedCode: String? = nil,
        httpStatus: Int? = nil,
        providerCode: Int? = nil,
        withdrawsConsent: Bool = false
    ) {
        self.code = code
        self.kind = kind
        self.message = message
        self.replyCode = replyCode
        self.enhancedCode = enhancedCode
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.withdrawsConsent = withdrawsConsent
    }

    /// Settings that cannot be used; `message` names the field.
    public static func invalidSettings(_ message: String) -> ProviderError {
        ProviderError(code: .invalidSettings, kind: .permanent, message: message)
    }

    /// No answer from the provider; `kind` is `.unknownOutcome` when the message had been handed over.
    static func unavailable(_ message: String, kind: Kind = .transient) -> ProviderError {
        ProviderError(code: .unavailable, kind: kind, message: message)
    }

    /// Settings or a message that cannot work with the provider, found before it answered.
    static func misconfigured(_ message: String) -> ProviderError {
        ProviderError(code: .misconfigured, kind: .permanent, message: message)
    }

    public var description: String { message }

    public var debugDescription: String {
        var fields = ["code: \(code)", "kind: \(kind)"]
        if let replyCode { fields.append("replyCode: \(replyCode)") }
        if let enhancedCode { fields.append("enhancedCode: \(enhancedCode)") }
        if let httpStatus { fields.append("httpStatus: \(httpStatus)") }
        if let providerCode { fields.append("providerCode: \(providerCode)") }
        if withdrawsConsent { fields.append("withdrawsConsent: true") }
        if removesDevice { fields.append("removesDevice: true") }
        if let retryAfter { fields.append("retryAfter: \(retryAfter)") }
        if let providerStatus { fields.append("providerStatus: \(providerStatus)") }
        fields.append("message: \(message)")
        return "ProviderError(\(fields.joined(separator: ", ")))"
    }
}
