/// What the FreeMarker converter looks for in a template's characters: directives, where a
/// `${…}` or a string ends, names.
enum FreeMarkerScanner {
    /// `<#if`, `</#if`, `<@macro`, `</@macro`, and `[#if …]`, FreeMarker's square-bracket syntax (not text
    /// such as "Order [#1234]").
    static func isDirective(_ characters: [Character], at index: Int) -> Bool {
        func at(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        switch characters[index] {
        case "<":
            return at(1) == "#" || at(1) == "@" || (at(1) == "/" && (at(2) == "#" || at(2) == "@"))
        case "[":
            if at(1) == "#" { return at(2)?.isLetter == true }
            return at(1) == "/" && at(2) == "#" && at(3)?.isLetter == true
        default:
            return false
        }
    }

    /// The `}` that closes a `${` whose expression begins at `start`, past strings (`"…"`, `'…'`, `r"…"`).
    static func closingBrace(in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index < characters.count {
            let character = characters[index]
            if character == "}" { return index }
            if character == "\"" || character == "'" {
                let raw =
                    index > start && characters[index - 1] == "r"
                    && (index - 1 == start || !isNameCharacter(characters[index - 2]))
                guard
                    let closing = closingQuote(
                        character,
                        in: characters,
                        from: index + 1,
                        before: characters.count,
                        raw: raw
                    )
                else { return nil }
                index = closing
            }
            index += 1
        }
        return nil
    }

    /// The `quote` that ends a string whose contents begin at `start`: past `\` and the character after it,
    /// unless the string is `raw`.
    static func closingQuote(
        _ quote: Character,
        in characters: [Character],
        from start: Int,
        before end: Int,
        raw: Bool
    ) -> Int? {
        var index = start
        while index < end {
            if characters[index] == quote { return index }
            index += raw || characters[index] != "\\" ? 1 : 2
        }
        return nil
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ".")
    }

    /// A dotted name of ASCII names, as Mustache reads names.
    static func isName(_ name: String) -> Bool {
        name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
    }
}
