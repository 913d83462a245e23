/// What one email mailbox looks like: an address (`local@domain`, UTF-8 allowed), optionally with
/// a display name. The one grammar both an email asset's `from` and `replyTo` are checked against
/// when saved (`AssetContentRules`) and the email sender reads them with (`EmailAddress`), so
/// that what saves also sends.
public enum MailboxSyntax {
    /// Parses `Name <a@b.c>`, `"Name, Jr" <a@b.c>`, `<a@b.c>` or `a@b.c` into its display name (nil
    /// when there is none) and address; nil when the text is not exactly one address (no `@`, a
    /// control character such as CR or LF, spaces in the address, two addresses, …).
    public static func parse(_ text: String) -> (name: String?, address: String)? {
        guard !text.unicodeScalars.contains(where: Self.isControl) else { return nil }
        let trimmed = Self.trimmed(Substring(text))
        var name: String?
        var address: Substring
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let phrase = Self.trimmed(trimmed[..<open])
            if phrase.count >= 2, phrase.hasPrefix("\""), phrase.hasSuffix("\"") {
                guard let unquoted = Self.unquoted(phrase.dropFirst().dropLast()) else { return nil }
                name = unquoted
            } else if !phrase.isEmpty {
                // Unquoted, a name holding one of these is another address before this one
                // (`Ann <a@x.example>, Bob <b@x.example>`, `a@x.example <b@x.example>`) or a
                // broken quote.
                guard !phrase.contains(where: { "\"<>@".contains($0) }) else { return nil }
                name = String(phrase)
            }
        } else {
            address = trimmed
        }
        address = Self.trimmed(address)
        guard Self.isValid(address: address) else { return nil }
        return (name: name.flatMap { $0.isEmpty ? nil : $0 }, address: String(address))
    }

    /// Whether `text` is blank: empty, or only spaces and tabs.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    /// A deliberately plain check: one `@`, a non-empty local part without spaces or specials, and
    /// a domain of non-empty dot-separated labels of letters, digits, hyphens or non-ASCII letters.
    public static func isValid(address: Substring) -> Bool {
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
}
