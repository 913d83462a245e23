/// Turns the FreeMarker-style tags that businesses bring from Intilery into Mustache, when an
/// asset is saved with `"syntax":"freemarker"`: `${customer.firstName}` → `{{customer.firstName}}`,
/// `${(customer.x)!""}` → `{{customer.x}}`, and `${x!"default"}` (or `'default'`) →
/// `{{#x}}{{x}}{{/x}}{{^x}}default{{/x}}`. Anything else FreeMarker can say (directives such as
/// `<#if>`, built-ins such as `?upper_case`, expressions), and `{{` or `}}` that would turn into
/// Mustache tags, is refused with its line and column.
public enum FreeMarkerConverter {
    public static func convert(_ source: String) throws(TemplateError) -> String {
        var output = ""
        var index = source.startIndex
        while index < source.endIndex {
            let rest = source[index...]
            if rest.hasPrefix("<#") || rest.hasPrefix("</#") || rest.hasPrefix("<@") || isSquareDirective(rest) {
                throw error(
                    at: index,
                    in: source,
                    "FreeMarker directives such as <#if> and <#list> cannot be converted"
                )
            }
            if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
                throw error(at: index, in: source, "{{ and }} in a FreeMarker template would become Mustache tags")
            }
            guard rest.hasPrefix("${") else {
                output.append(source[index])
                index = source.index(after: index)
                continue
            }
            let start = index
            let expressionStart = source.index(index, offsetBy: 2)
            guard let end = closingBrace(in: source, from: expressionStart) else {
                throw error(at: start, in: source, "a ${ is never closed with }")
            }
            output += try mustache(for: source[expressionStart..<end], at: start, in: source)
            index = source.index(after: end)
        }
        return output
    }

    /// `[#if …]`, FreeMarker's square-bracket syntax (not text such as "Order [#1234]").
    private static func isSquareDirective(_ rest: Substring) -> Bool {
        (rest.hasPrefix("[#") && rest.dropFirst(2).first?.isLetter == true)
            || (rest.hasPrefix("[/#") && rest.dropFirst(3).first?.isLetter == true)
    }

    /// `}` that closes the expression, skipping those inside quotes (double or single).
    private static func closingBrace(in source: String, from start: String.Index) -> String.Index? {
        var quote: Character?
        var index = start
        while index < source.endIndex {
            let character = source[index]
            if character == "\\", quote != nil {
                index = source.index(after: index)
            } else if character == "\"" || character == "'" {
                if quote == nil {
                    quote = character
                } else if quote == character {
                    quote = nil
                }
            } else if character == "}", quote == nil {
                return index
            }
            if index < source.endIndex { index = source.index(after: index) }
        }
        return nil
    }

    private static func mustache(
        for expression: Substring,
        at start: String.Index,
        in source: String
    ) throws(TemplateError) -> String {
        var text = expression.trimmingCharacters(in: " ")
        var fallback: String?
        if let bang = text.firstIndex(of: "!") {
            let after = text[text.index(after: bang)...].trimmingCharacters(in: " ")
            if after.isEmpty {
                fallback = ""
            } else if after.count >= 2, let quote = after.first, quote == "\"" || quote == "'", after.last == quote {
                fallback = unescape(after.dropFirst().dropLast())
            } else {
                throw error(at: start, in: source, "only a quoted default can follow ! (${x!\"default\"})")
            }
            text = text[..<bang].trimmingCharacters(in: " ")
        }
        if text.first == "(", text.last == ")" { text = text.dropFirst().dropLast().trimmingCharacters(in: " ") }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy(isIdentifier) else {
            throw error(
                at: start,
                in: source,
                "${\(expression)} is not a plain name such as ${customer.firstName}; built-ins and expressions "
                    + "cannot be converted"
            )
        }
        let name = String(text)
        guard let fallback, !fallback.isEmpty else { return "{{\(name)}}" }
        guard !fallback.contains("{{"), !fallback.contains("}}") else {
            throw error(at: start, in: source, "a default may not contain {{ or }}")
        }
        return "{{#\(name)}}{{\(name)}}{{/\(name)}}{{^\(name)}}\(fallback){{/\(name)}}"
    }

    /// An ASCII name, as Mustache reads names.
    private static func isIdentifier(_ part: Substring) -> Bool {
        guard let first = part.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A FreeMarker string's escapes: `\n`, `\t`, `\r`, and `\x` for any other x.
    private static func unescape(_ text: Substring) -> String {
        var output = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": output.append("\n")
                case "t": output.append("\t")
                case "r": output.append("\r")
                default: output.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func error(at index: String.Index, in source: String, _ reason: String) -> TemplateError {
        let before = source[..<index]
        let line = before.filter(\.isNewline).count + 1
        let lineStart = before.lastIndex(where: \.isNewline).map { source.index(after: $0) } ?? source.startIndex
        return TemplateError(line: line, column: source[lineStart..<index].count + 1, reason: reason)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = self[...]
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return Substring(result)
    }
}
