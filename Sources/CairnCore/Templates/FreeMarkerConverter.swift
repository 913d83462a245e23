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
        try converter.convert(FreeMarkerFragment(characters: characters, origins: nil), reading: .template, depth: 0)
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
    /// Writes the Mustache of a template, keeping where each run of it came from.
    struct Converter {
        /// The author's template.
        let source: [Character]
        private var output = FreeMarkerOutput()

        init(source: [Character]) {
            self.source = source
        }

        mutating func finish() -> FreeMarkerConversion {
            output.finish(source: source)
        }

        /// Converts `fragment`, read as `reading` says, inside `depth` defaults.
        mutating func convert(
            _ fragment: FreeMarkerFragment,
            reading: FreeMarkerReading,
            depth: Int
        ) throws(TemplateError) {
            let characters = fragment.characters
            // FreeMarker reads a quoted string of three characters or fewer as text, `"${}"` included.
            let interpolates = reading == .template || (reading == .quoted && characters.count > 3)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
                if reading == .template, character == "<" || character == "[",
                    FreeMarkerScanner.isDirective(characters, at: index)
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
                    guard let end = FreeMarkerScanner.closingBrace(in: characters, from: index + 2) else {
                        throw refusal(at: fragment.origin(index), "a ${ is never closed with }")
                    }
                    try interpolation(fragment, (index + 2)..<end, at: index, depth: depth)
                    index = end + 1
                    continue
                }
                output.writeText(character, from: fragment.origin(index))
                index += 1
            }
        }

        /// `${…}` at `start` of `fragment`, its expression in `expression`: a plain name, in brackets or not,
        /// with or without a default after `!`.
        private mutating func interpolation(
            _ fragment: FreeMarkerFragment,
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
            while index < end, FreeMarkerScanner.isNameCharacter(characters[index]) { index += 1 }
            let name = String(characters[nameStart..<index])
            var plain = FreeMarkerScanner.isName(name)
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
                output.write(tag: "{{\(name)}}", from: origin)
                return
            }
            index += 1
            skipWhiteSpace()
            // `x!`: nothing where x has no value, and so no missing tag either.
            guard index < end else {
                output.write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}", from: origin)
                return
            }
            // The default: "…", '…', r"…" or r'…', and nothing after it.
            let raw = characters[index] == "r"
            let quote = raw ? index + 1 : index
            guard quote < end, characters[quote] == "\"" || characters[quote] == "'",
                let closing = FreeMarkerScanner.closingQuote(
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
            let contents: FreeMarkerFragment
            if raw {
                contents = fragment.slice((quote + 1)..<closing)
            } else {
                contents = try fragment.unescaped((quote + 1)..<closing) { refusal(at: $0, $1) }
            }
            guard !contents.characters.isEmpty else {
                output.write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}", from: origin)
                return
            }
            guard depth < FreeMarkerConverter.maximumDefaultNesting else {
                throw refusal(
                    at: origin,
                    "defaults are nested more than \(FreeMarkerConverter.maximumDefaultNesting) deep"
                )
            }
            output.write(tag: "{{#\(test)}}{{\(name)}}{{/\(test)}}{{^\(test)}}", from: origin)
            try convert(contents, reading: raw ? .raw : .quoted, depth: depth + 1)
            if output.atLineStart { output.write(tag: "{{!}}", from: origin) }
            output.write(tag: "{{/\(test)}}", from: origin)
        }

        private func refusal(at origin: Int, _ reason: String) -> TemplateError {
            FreeMarkerConverter.error(at: origin, in: source, reason)
        }
    }
}
