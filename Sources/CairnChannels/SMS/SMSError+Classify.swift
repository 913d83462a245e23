import Foundation

extension SMSError {
    /// Twilio's error codes that say the message can never go as asked, whatever the HTTP status.
    static let permanentCodes: Set<Int> = [
        20003,  // authentication failed
        20404,  // resource (account) not found
        21211,  // invalid 'To' number
        21212,  // invalid 'From' number
        21214,  // 'To' number cannot be reached
        21401,  // invalid phone number
        21408,  // region not enabled for SMS
        21602,  // body required
        21603,  // 'From' required
        21604,  // 'To' required
        21606,  // 'From' is not an SMS-capable number of this account
        21608,  // trial account: unverified 'To'
        21610,  // unsubscribed recipient (STOP)
        21612,  // 'To' not reachable from this 'From'
        21614,  // 'To' not a mobile number
        21617,  // body over 1600 characters
        21701,  // invalid messaging service SID
        30003,  // unreachable handset
        30004,  // message blocked
        30005,  // unknown destination handset
        30006,  // landline or unreachable carrier
        30007,  // carrier filtering
        30008,  // unknown error at the carrier
    ]

    /// Twilio's error codes that say "later": rate limited, or Twilio itself in trouble.
    static let transientCodes: Set<Int> = [20429, 20500, 20503]

    /// The mapping of Twilio's answer to an error: 429, code 20429, 5xx and no answer at all
    /// (`httpStatus` nil) are transient; the codes of `permanentCodes` and any other 4xx are
    /// permanent; 21610 also withdraws consent. `message` is Twilio's own sentence.
    public static func classify(httpStatus: Int?, code: Int?, message: String?) -> SMSError {
        let kind: Kind
        if let code, transientCodes.contains(code) {
            kind = .transient
        } else if let code, permanentCodes.contains(code) {
            kind = .permanent
        } else if let httpStatus, httpStatus == 429 || httpStatus >= 500 {
            kind = .transient
        } else if let httpStatus, (400..<500).contains(httpStatus) {
            kind = .permanent
        } else {
            kind = .transient
        }
        let words = message.map(Self.tidy).flatMap { $0.isEmpty ? nil : $0 }
        let text: String
        switch (code, httpStatus) {
        case (let code?, _): text = "Twilio \(code): \(words ?? "no message")"
        case (nil, let status?): text = "Twilio HTTP \(status): \(words ?? "no error body")"
        case (nil, nil): text = "Twilio unreachable: \(words ?? "no answer")"
        }
        return SMSError(
            kind: kind,
            httpStatus: httpStatus,
            providerCode: code,
            message: text,
            withdrawsConsent: code == 21610
        )
    }

    /// One line of at most 300 characters, so a stray HTML page cannot flood the message's error.
    private static func tidy(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
