import Foundation

extension ProviderError {
    /// Twilio's error codes that say "later": rate limited, or Twilio itself in trouble.
    static let transientCodes: Set<Int> = [20429, 20500, 20503]

    /// The error for Twilio's answer (or its absence): 429, codes 20429/20500/20503, 5xx and no
    /// answer at all (`httpStatus` nil) are transient; any other 4xx is permanent (Twilio's
    /// refusals — 21211 invalid number, 21610 unsubscribed, 21614 not a mobile… — all come with
    /// 400); 21610 also withdraws consent. `message` is Twilio's own sentence.
    public static func twilio(httpStatus: Int?, code: Int?, message: String?) -> ProviderError {
        let kind: Kind
        if let code, transientCodes.contains(code) {
            kind = .transient
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
        return ProviderError(
            code: httpStatus == nil ? .unavailable : .rejected,
            kind: kind,
            message: text,
            httpStatus: httpStatus,
            providerCode: code,
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
