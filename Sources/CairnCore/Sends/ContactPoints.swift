import Foundation

/// Where a send goes: the customer's `email` or `phone` trait, checked as far as a sender needs.
public enum ContactPoints {
    /// `traits.email`, trimmed, when it looks like one address (one `@`, no spaces or line breaks).
    public static func email(in traits: [String: JSONValue]) -> String? {
        guard let text = traits["email"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254,
            !text.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || "<>,;\"".unicodeScalars.contains($0)
            })
        else { return nil }
        return text
    }

    /// `traits.phone` in E.164 (`+` then 2 to 15 digits, the first not 0) once spaces are removed.
    public static func phone(in traits: [String: JSONValue]) -> String? {
        guard let text = traits["phone"]?.stringValue else { return nil }
        return e164(text)
    }

    /// `text` without its spaces, when that is an E.164 number.
    public static func e164(_ text: String) -> String? {
        let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        let utf8 = Array(compact.utf8)
        guard utf8.count >= 3, utf8.count <= 16, utf8[0] == UInt8(ascii: "+"), utf8[1] != UInt8(ascii: "0"),
            utf8.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return compact
    }
}
