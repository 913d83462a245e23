/// Turns the FreeMarker-style tags that businesses bring from Intilery into Mustache, when an
/// asset is saved with `"syntax":"freemarker"`, keeping what FreeMarker makes of them:
///
/// - `${customer.firstName}` → `{{customer.firstName}}`.
/// - `${x!"default"}` (or `'default'`, or a raw `r"default"`) →
///   `{{#exists(x)}}{{x}}{{/exists(x)}}{{^exists(x)}}default{{/exists(x)}}`: the default only where x is missing
///   or null, as in FreeMarker; `false`, `0`, `""`, `[]` and `{}` print as `${x}` prints them, once. A default's
///   escapes are FreeMarker's (`\"`, `\n`, `\l`, `\x20AC`, …), and, as in FreeMarker, the `${…}` in a quoted
///   (not raw) default, once they are read, are converted in turn (`${x!"Dear ${customer.firstName!'customer'}"}`),
///   defaults in defaults up to `maximumDefaultNesting` deep.
/// - `${x!}`, `${x!""}` and `${(x)!""}` → `{{#exists(x)}}{{x}}{{/exists(x)}}`, which prints what `{{x}}` prints
///   but, as a name with a default, is no missing tag where x has no value.
/// - Text is written as FreeMarker writes it, `{{` and `}}` included: a `{` that Mustache would read as part of a
///   tag is written `{{lbrace()}}`, and a default's closing tag that would begin a line (and so, alone on it, take
///   the newline after it) is kept off the line's start by a `{{!}}`.
///
/// Anything else FreeMarker can say (directives such as `<#if>`, built-ins such as `?upper_case`, expressions,
/// `#{…}`) is refused at the author's line and column; so is, through `compile`, anything Mustache would refuse
/// in the converted text (nothing, by construction).
public enum FreeMarkerConverter {
    /// How deep defaults may nest: `${a!"${b!'…'}"}` is 2.
    public static let maximumDefaultNesting = 10

    /// The Mustache text of a FreeMarker template.
    public static func convert(_ source: String) throws(TemplateError) -> String {
        try conversion(of: source).text
    }

    /// A FreeMarker template converted and compiled, every error at the author's line and column.
    public static func compile(
        _ source: String,
        escaping: MergeTemplate.Escaping
    ) throws(TemplateError) -> MergeTemplate {
        let converted = try conversion(of: source)
        do throws(TemplateError) {
            return try MergeTemplate(converted.text, escaping: escaping)
        } catch {
            throw converted.inSource(error)
        }
    }

    static func conversion(of source: String) throws(TemplateError) -> FreeMarkerConversion {
        let characters = Array(source)
        var converter = Converter(source: characters)
        try converter.convert(Fragment(characters: characters, origins: nil), reading: .template, depth: 0)
        return converter.finish()
    }

    /// An error at `offset` (in characters) of the author's template, at the line and column
    /// `TemplateError.position(of:in:)` would give.
    static func error(at offset: Int, in source: [Character], _ reason: String) -> TemplateError {
        var line = 1
        var column = 1
        for character in source[..<min(offset, source.count)] {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return TemplateError(line: line, column: column, reason: reason)
    }
}

extension FreeMarkerConverter {
    /// What a fragment is: the template (text, directives refused, `${…}` converted), a quoted string (its
    /// escapes read: text and `${…}`) or a raw string (text only).
    fileprivate enum Reading {
        case template
        case quoted
        case raw
    }

    /// Text to convert, with where each of its characters, and its end, came from in the author's template.
    fileprivate struct Fragment {
        var characters: [Character]
        /// Offsets in the author's template, one per character and one for the end; nil when the fragment is the
        /// template itself.
        var origins: [Int]?

        func origin(_ index: Int) -> Int {
            origins?[index] ?? index
        }
    }

    /// Writes the Mustache of a template, keeping where each run of it came from.
    fileprivate struct Converter {
        /// The author's template.
        let source: [Character]
        private var text = ""
        private var segments: [FreeMarkerConversion.Segment] = []
        /// The origin that lengthens the last segment, when it is copied text.
        private var nextCopied: Int?
        /// Where a `{` of text comes from that is held until what follows it is known: Mustache reads `{` before
        /// `{` as a tag.
        private var heldBrace: Int?
        /// Whether Mustache, having read `text`, is at the start of a line (nothing but spaces and tabs since a
        /// newline, and no tag since), where a tag with a newline after it stands alone and takes the newline.
        private var atLineStart = true

        init(source: [Character]) {
            self.source = source
        }

        mutating func finish() -> FreeMarkerConversion {
            releaseBrace(beforeBrace: false)
            return FreeMarkerConversion(text: text, segments: segments, source: source)
        }

        /// Converts `fragment`, read as `reading` says, inside `depth` defaults.
        mutating func convert(_ fragment: Fragment, reading: Reading, depth: Int) throws(TemplateError) {
            let characters = fragment.characters
            // FreeMarker reads a quoted string of three characters or fewer as text, `"${}"` included.
            let interpolates = reading == .template || (reading == .quoted && characters.count > 3)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
                if reading == .template, character == "<" || character == "[",
                    Self.isDirective(characters, at: index)
                {
                    throw refusal(
                        at: fragment.origin(index),
                        "FreeMarker directives such as <#if> and <#list> cannot be converted"
                    )
                }
                if interpolates, character == "#", next == "{" {
                    throw refusal(at: fragment.origin(index), "FreeMarker's #{…} cannot be converted; write ${…}")
                }
                if interpolates, character == "$", next == "{" {
                    guard let end = Self.closingBrace(in: characters, from: index + 2) else {
                        throw refusal(at: fragment.origin(index), "a ${ is never closed with }")
                    }
                    try interpolation(fragment, (index + 2)..<end, at: index, depth: depth)
                    index = end + 1
                    continue
                }
                writeText(character, from: fragment.origin(index))
                index += 1
            }
        }

        /// `${…}` at `start` of `fragment`, its expression in `expression`: a plain name, in brackets or not,
        /// with or without a default after `!`.
        private mutating func interpolation(
            _ fragment: Fragment,
            _ expression: Range<Int>,
            at start: Int,
            depth: Int
        ) throws(TemplateError) {
            let characters = fragment.characters
            let origin = fragment.origin(start)
            let end = expression.upperBound
            var index = expression.lowerBound
            func skipWhiteSpace() {
                while index < end, characters[index].isWhitespace { index += 1 }
            }
            skipWhiteSpace()
            let bracketed = index < end && characters[index] == "("
            if bracketed {
                index += 1
                skipWhiteSpace()
            }
            let nameStart = index
            while index < end, Self.isNameCharacter(characters[index]) { index += 1 }
            let name = String(characters[nameStart..<index])
            var plain = Self.isName(name)
            if bracketed {
                skipWhiteSpace()
                if index < end, characters[index] == ")" {
                    index += 1
                } else {
                    plain = false
                }
            }
            skipWhiteSpace()
            let bang = index < end && characters[index] == "!"
            guard plain, bang || index == end else {
                throw refusal(
                    at: origin,
                    "${\(MustacheParser.shortened(String(characters[expression])))} is not a plain name such as "
                        + "${customer.firstName}; built-ins and expressions cannot be converted"
                )
            }
            let test = "exists(\(name))"
            guard bang else {
                write(tag: "{{\(name)}}", from: origin)
                return
            }
            index += 1
            skipWhiteSpace()
            // `x!`: nothing where x has no value, and so no missing tag either.
            guard index < end else {
                write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}", from: origin)
                return
            }
            // The default: "…", '…', r"…" or r'…', and nothing after it.
            let raw = characters[index] == "r"
            let quote = raw ? index + 1 : index
            guard quote < end, characters[quote] == "\"" || characters[quote] == "'",
                let closing = Self.closingQuote(
                    characters[quote],
                    in: characters,
                    from: quote + 1,
                    before: end,
                    raw: raw
                )
            else {
                throw refusal(at: origin, "only a quoted default can follow ! (${x!\"default\"})")
            }
            index = closing + 1
            skipWhiteSpace()
            guard index == end else {
                throw refusal(at: origin, "only a quoted default can follow ! (${x!\"default\"})")
            }
            let contents: Fragment
            if raw {
                contents = Self.slice(fragment, (quote + 1)..<closing)
            } else {
                contents = try unescaped(fragment, (quote + 1)..<closing)
            }
            guard !contents.characters.isEmpty else {
                write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}", from: origin)
                return
            }
            guard depth < FreeMarkerConverter.maximumDefaultNesting else {
                throw refusal(
                    at: origin,
                    "defaults are nested more than \(FreeMarkerConverter.maximumDefaultNesting) deep"
                )
            }
            write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}{{^\(test)}}", from: origin)
            try convert(contents, reading: raw ? .raw : .quoted, depth: depth + 1)
            if atLineStart { write(tag: "{{!}}", from: origin) }
            write(tag: "{{/\(test)}}", from: origin)
        }

        /// A quoted string's contents with FreeMarker's escapes read, each character keeping where it came from.
        private func unescaped(_ fragment: Fragment, _ range: Range<Int>) throws(TemplateError) -> Fragment {
            let characters = fragment.characters
            var result = Fragment(characters: [], origins: [])
            var index = range.lowerBound
            while index < range.upperBound {
                let origin = fragment.origin(index)
                var character = characters[index]
                index += 1
                if character == "\\", index < range.upperBound {
                    let escape = characters[index]
                    index += 1
                    switch escape {
                    case "\"", "'", "\\", "{", "=": character = escape
                    case "n": character = "\n"
                    case "r": character = "\r"
                    case "t": character = "\t"
                    case "f": character = "\u{0C}"
                    case "b": character = "\u{08}"
                    case "l": character = "<"
                    case "g": character = ">"
                    case "a": character = "&"
                    case "x":
                        var code: UInt32 = 0
                        var digits = 0
                        while digits < 4, index < range.upperBound, characters[index].isASCII,
                            let digit = characters[index].hexDigitValue
                        {
                            code = code * 16 + UInt32(digit)
                            digits += 1
                            index += 1
                        }
                        guard digits > 0, let scalar = Unicode.Scalar(code) else {
                            throw refusal(at: origin, "\\x in a FreeMarker string takes 1 to 4 hexadecimal digits")
                        }
                        character = Character(scalar)
                    default:
                        throw refusal(
                            at: origin,
                            "\\\(escape) is not an escape of FreeMarker strings (\\\", \\', \\\\, \\n, \\r, \\t, \\f, "
                                + "\\b, \\l, \\g, \\a, \\{, \\= and \\x20AC are)"
                        )
                    }
                }
                result.characters.append(character)
                result.origins?.append(origin)
            }
            result.origins?.append(fragment.origin(range.upperBound))
            return result
        }

        /// A character of the author's text, from `origin`.
        private mutating func writeText(_ character: Character, from origin: Int) {
            if character == "{" {
                releaseBrace(beforeBrace: true)
                heldBrace = origin
                atLineStart = false
                return
            }
            releaseBrace(beforeBrace: false)
            record(origin, copied: true)
            text.append(character)
            if character.isNewline {
                atLineStart = true
            } else if character != " ", character != "\t" {
                atLineStart = false
            }
        }

        /// Mustache tags (each begins with `{{`), written for the `${…}` at `origin`.
        private mutating func write(tag: String, from origin: Int) {
            releaseBrace(beforeBrace: true)
            record(origin, copied: false)
            text += tag
            atLineStart = false
        }

        /// Writes the held `{`, as `{{lbrace()}}` when a `{` comes next.
        private mutating func releaseBrace(beforeBrace: Bool) {
            guard let origin = heldBrace else { return }
            heldBrace = nil
            record(origin, copied: !beforeBrace)
            text += beforeBrace ? "{{lbrace()}}" : "{"
        }

        /// Notes that what is written next comes from `origin`.
        private mutating func record(_ origin: Int, copied: Bool) {
            if copied, origin == nextCopied {
                nextCopied = origin + 1
                return
            }
            segments.append(FreeMarkerConversion.Segment(output: text.utf8.count, source: origin, copied: copied))
            nextCopied = copied ? origin + 1 : nil
        }

        private func refusal(at origin: Int, _ reason: String) -> TemplateError {
            FreeMarkerConverter.error(at: origin, in: source, reason)
        }

        private static func slice(_ fragment: Fragment, _ range: Range<Int>) -> Fragment {
            var origins = range.map { fragment.origin($0) }
            origins.append(fragment.origin(range.upperBound))
            return Fragment(characters: Array(fragment.characters[range]), origins: origins)
        }

        /// `<#if`, `</#if`, `<@macro`, `</@macro`, and `[#if …]`, FreeMarker's square-bracket syntax (not text
        /// such as "Order [#1234]").
        private static func isDirective(_ characters: [Character], at index: Int) -> Bool {
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
        private static func closingBrace(in characters: [Character], from start: Int) -> Int? {
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
        private static func closingQuote(
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

        private static func isNameCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ".")
        }

        /// A dotted name of ASCII names, as Mustache reads names.
        private static func isName(_ name: String) -> Bool {
            name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                guard let first = part.first, first.isLetter || first == "_" else { return false }
                return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            }
        }
    }
}
