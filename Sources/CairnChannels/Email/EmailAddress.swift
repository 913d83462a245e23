/// A mailbox: an optional display name and an address (`local@domain`, UTF-8 allowed).
public struct EmailAddress: Sendable, Hashable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <a@b.c>`, `"Name, Jr" <a@b.c>`, `<a@b.c>` or `a@b.c`; nil when the text is not
    /// an address (no `@`, a control character such as CR or LF, spaces in the address, …).
    public init?(parsing text: String) {
        guard !text.unicodeScalars.contains(where: EmailAddress.isControl) else { return nil }
        let trimmed = EmailAddress.trimmed(Substring(text))
        var name: String?
        var address: Substring
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let phrase = EmailAddress.trimmed(trimmed[..<open])
            if phrase.count >= 2, phrase.hasPrefix("\""), phrase.hasSuffix("\"") {
                guard let unquoted = EmailAddress.unquoted(phrase.dropFirst().dropLast()) else { return nil }
                name = unquoted
            } else if !phrase.isEmpty {
                guard !phrase.contains("\"") else { return nil }
                name = String(phrase)
            }
        } else {
            address = trimmed
        }
        address = EmailAddress.trimmed(address)
        guard EmailAddress.isValid(address: address) else { return nil }
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        self.address = String(address)
    }

    /// The part after the `@`, or "localhost" when there is none.
    var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? "localhost" : String(domain)
    }

    /// Whether the address needs SMTPUTF8 (a non-ASCII character in it).
    var isInternationalized: Bool { address.utf8.contains { $0 >= 0x80 } }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }

    /// The content of a quoted string with its backslash escapes undone; nil on a stray quote.
    private static func unquoted(_ text: Substring) -> String? {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "\"" {
                return nil
            } else {
                result.append(character)
            }
        }
        return escaping ? nil : result
    }

    /// A deliberately plain check: one `@`, a non-empty local part without spaces or specials, and
    /// a domain of non-empty dot-separated labels of letters, digits, hyphens or non-ASCII letters.
    static func isValid(address: Substring) -> Bool {
        guard address.utf8.count <= 254, let at = address.firstIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        let forbiddenInLocal: Set<Character> = [
            " ", "\t", "<", ">", "(", ")", "[", "]", "\\", ",", ";", ":", "@", "\"",
        ]
        guard !local.contains(where: forbiddenInLocal.contains) else { return false }
        // No control characters anywhere: a CR or LF would end the SMTP command it is written in.
        guard !address.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return false
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { scalar in
                    scalar.value >= 0x80 || scalar == "-" || ("a"..."z").contains(scalar)
                        || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                }
        }
    }
}
