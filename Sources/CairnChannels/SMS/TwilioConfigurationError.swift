/// Why a Twilio provider configuration was refused. Its description names the field and never
/// repeats the auth token.
public enum TwilioConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The account SID is not `AC` followed by 32 hexadecimal digits.
    case invalidAccountSid
    /// The auth token is empty.
    case emptyAuthToken
    /// The sender is neither an E.164 number, a short code, a messaging service SID (`MG…`) nor
    /// an alphanumeric sender ID (1 to 11 letters, digits or spaces, at least one letter).
    case invalidFrom(String)
    /// The base URL is not an absolute http(s) URL without query, fragment or credentials.
    case invalidBaseURL(String)

    public var description: String {
        switch self {
        case .invalidAccountSid:
            return "Twilio accountSid must be \"AC\" followed by 32 hexadecimal digits"
        case .emptyAuthToken:
            return "Twilio authToken must not be empty"
        case .invalidFrom(let from):
            return "Twilio from \"\(from)\" must be an E.164 number (+15551234567), a short code, "
                + "a messaging service SID (MG…) or an alphanumeric sender ID of 1 to 11 characters"
        case .invalidBaseURL(let url):
            return "Twilio baseUrl \"\(url)\" must be an http or https URL without query, fragment or credentials"
        }
    }
}
