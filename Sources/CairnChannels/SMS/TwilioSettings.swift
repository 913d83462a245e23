import Foundation

/// A tenant's Twilio account, checked when made: `{"provider":"twilio","accountSid","authToken",
/// "from","baseUrl"?}`. Its descriptions hide the auth token.
public struct TwilioSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Twilio's API; tests point `baseURL` at a fake instead.
    public static let defaultBaseURL = "https://api.twilio.com"

    public var accountSid: String
    public var authToken: String
    /// An E.164 number, a short code, an alphanumeric sender ID, or a messaging service SID (`MG…`).
    public var from: String
    /// Without a trailing slash.
    public var baseURL: String
    /// Which addresses `baseURL` may be at: any for the operator's own provider, public ones only
    /// for a brand's, unless the server allows private ones.
    public var addressPolicy: OutboundAddressPolicy = .anyAddress

    public init(
        accountSid: String,
        authToken: String,
        from: String,
        baseURL: String = TwilioSettings.defaultBaseURL
    ) throws(ProviderError) {
        guard TwilioFrom.isSid(accountSid, prefix: "AC") else {
            throw .invalidSettings("Twilio accountSid must be \"AC\" followed by 32 hexadecimal digits")
        }
        guard !authToken.isEmpty else { throw .invalidSettings("Twilio authToken must not be empty") }
        guard TwilioFrom(from) != nil else {
            throw .invalidSettings(
                "Twilio from \"\(from)\" must be an E.164 number (+15551234567), a short code, "
                    + "a messaging service SID (MG…) or an alphanumeric sender ID of 1 to 11 characters"
            )
        }
        guard let base = HTTPBaseURL.normalized(baseURL) else {
            throw .invalidSettings(
                "Twilio baseUrl \"\(baseURL)\" must be an http or https URL without query, fragment or credentials"
            )
        }
        self.accountSid = accountSid
        self.authToken = authToken
        self.from = from
        self.baseURL = base
    }

    /// The Messages resource of this account.
    var messagesURL: String { "\(baseURL)/2010-04-01/Accounts/\(accountSid)/Messages.json" }

    public var description: String {
        "TwilioSettings(accountSid: \(accountSid), authToken: <redacted>, from: \(from), baseURL: \(baseURL))"
    }

    public var debugDescription: String { description }
}
