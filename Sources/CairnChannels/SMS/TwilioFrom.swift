import CairnCore

/// What a Twilio sender string names, deciding which form field carries it.
enum TwilioFrom: Equatable {
    /// A phone number, short code or alphanumeric sender ID: sent as `From`.
    case address(String)
    /// A messaging service SID: sent as `MessagingServiceSid`, Twilio then picks the number.
    case messagingService(String)

    init?(_ text: String) {
        if TwilioFrom.isSid(text, prefix: "MG") {
            self = .messagingService(text)
        } else if TwilioFrom.isE164(text) || TwilioFrom.isShortCode(text) || TwilioFrom.isAlphanumeric(text) {
            self = .address(text)
        } else {
            return nil
        }
    }

    /// The form field and its value.
    var field: (String, String) {
        switch self {
        case .address(let from): return ("From", from)
        case .messagingService(let sid): return ("MessagingServiceSid", sid)
        }
    }

    /// `prefix` followed by 32 hexadecimal digits, as Twilio's SIDs are.
    static func isSid(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let digits = text.utf8.dropFirst(prefix.utf8.count)
        return digits.count == 32 && digits.allSatisfy(isHexDigit)
    }

    /// `+`, then 2 to 15 digits, the first not 0 (as a customer's phone is read), with no spaces.
    static func isE164(_ text: String) -> Bool {
        ContactPoints.e164(text) == text
    }

    static func isShortCode(_ text: String) -> Bool {
        (5...6).contains(text.utf8.count) && text.utf8.allSatisfy(isDigit)
    }

    /// 1 to 11 ASCII letters, digits or spaces with at least one letter (Twilio's rule).
    static func isAlphanumeric(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...11).contains(bytes.count), bytes.contains(where: isLetter) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: " ") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
