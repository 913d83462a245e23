import Foundation

/// Writes header fields the RFC 5322 way: values cleaned of CR, LF and other control characters,
/// folded at whitespace so that lines stay within 78 characters where possible and never exceed 998.
struct MIMEHeaderWriter {
    static let preferredLineLength = 78
    static let maximumLineLength = 998

    private(set) var bytes: [UInt8] = []

    /// Appends `name: value`; `value` must already be what goes on the wire (ASCII, or UTF-8 only
    /// in addresses that need SMTPUTF8).
    mutating func append(_ name: String, _ value: String) {
        var line = Array(name.utf8) + [UInt8(ascii: ":")]
        var lineHasContent = false
        for chunk in Self.chunks(of: Array(value.utf8)) {
            var piece = chunk
            if !lineHasContent {
                line.append(UInt8(ascii: " "))
            } else if line.count + piece.count > Self.preferredLineLength {
                emit(line)
                line = []
            }
            // A single word too long for any line is split by force (the last resort of RFC 5322).
            while line.count + piece.count > Self.maximumLineLength {
                var cut = piece.startIndex + max(1, Self.maximumLineLength - line.count)
                while cut > piece.startIndex + 1, piece[cut] & 0xC0 == 0x80 { cut -= 1 }
                line.append(contentsOf: piece[..<cut])
                emit(line)
                line = [UInt8(ascii: " ")]
                piece = piece[cut...]
            }
            line.append(contentsOf: piece)
            lineHasContent = true
        }
        emit(line)
    }

    private mutating func emit(_ line: [UInt8]) {
        bytes.append(contentsOf: line)
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// `value` split before each run of whitespace that follows a non-space: the places where a
    /// fold may go. Every chunk but the first starts with its whitespace.
    private static func chunks(of value: [UInt8]) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        for index in value.indices.dropFirst() where isSpace(value[index]) && !isSpace(value[index - 1]) {
            chunks.append(value[start..<index])
            start = index
        }
        if start < value.count { chunks.append(value[start...]) }
        return chunks
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    // MARK: - Values

    /// `text` with CR and LF removed (no header can be injected), other control characters
    /// removed, tabs turned into spaces and the ends trimmed.
    static func sanitized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                scalars.append(" ")
            } else if !EmailAddress.isControl(scalar) && !(0x80...0x9F).contains(scalar.value) {
                scalars.append(scalar)
            }
        }
        var result = Substring(String(scalars))
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return String(result)
    }

    /// An unstructured value (a subject): as it is when ASCII, else RFC 2047 encoded words.
    static func unstructured(_ text: String, headerName: String) -> String {
        let clean = sanitized(text)
        guard clean.utf8.contains(where: { $0 >= 0x80 }) else { return clean }
        return encodedWords(clean, firstLineRoom: preferredLineLength - headerName.utf8.count - 2).joined(
            separator: " "
        )
    }

    /// `Name <address>`, or the bare address when there is no name. ASCII names are written as
    /// they are when only letters, digits and the like, quoted otherwise; others become encoded words.
    static func mailbox(_ mailbox: EmailAddress, headerName: String) -> String {
        let address = sanitized(mailbox.address).filter { $0 != " " && $0 != "<" && $0 != ">" }
        let name = mailbox.name.map(sanitized) ?? ""
        guard !name.isEmpty else { return address }
        let phrase: String
        if name.utf8.contains(where: { $0 >= 0x80 }) {
            let room = preferredLineLength - headerName.utf8.count - 2
            phrase = encodedWords(name, firstLineRoom: room).joined(separator: " ")
        } else if name.utf8.allSatisfy({ isAtext($0) || $0 == 0x20 }) && !name.contains("  ") {
            phrase = name
        } else {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            phrase = "\"" + escaped + "\""
        }
        return phrase + " <" + address + ">"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters (the first at most `firstLineRoom`),
    /// never splitting a character's UTF-8 bytes between two words.
    static func encodedWords(_ text: String, firstLineRoom: Int) -> [String] {
        let overhead = "=?UTF-8?B??=".utf8.count
        var words: [String] = []
        var pending: [UInt8] = []
        func room() -> Int { (words.isEmpty ? min(75, max(firstLineRoom, 20)) : 75) - overhead }
        func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }
        func flush() {
            words.append("=?UTF-8?B?" + Data(pending).base64EncodedString() + "?=")
            pending.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let scalarBytes = Array(String(scalar).utf8)
            if !pending.isEmpty, encodedLength(pending.count + scalarBytes.count) > room() { flush() }
            pending.append(contentsOf: scalarBytes)
        }
        if !pending.isEmpty || words.isEmpty { flush() }
        return words
    }

    /// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }
}
