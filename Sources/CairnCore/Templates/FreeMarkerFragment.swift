/// What a fragment of a FreeMarker template is: the template (text, directives refused, `${…}`
/// converted), a quoted string (its escapes read: text and `${…}`) or a raw string (text only).
enum FreeMarkerReading {
    case template
    case quoted
    case raw
}

/// Text to convert, with where each of its characters, and its end, came from in the author's template.
struct FreeMarkerFragment {
    var characters: [Character]
    /// Offsets in the author's template, one per character and one for the end; nil when the fragment is the
    /// template itself.
    var origins: [Int]?

    func origin(_ index: Int) -> Int {
        origins?[index] ?? index
    }

    /// The characters in `range`, each keeping where it came from.
    func slice(_ range: Range<Int>) -> FreeMarkerFragment {
        var origins = range.map { origin($0) }
        origins.append(origin(range.upperBound))
        return FreeMarkerFragment(characters: Array(characters[range]), origins: origins)
    }

    /// A quoted string's contents with FreeMarker's escapes read, each character keeping where it came from.
    /// `refusal` words an error at an origin.
    func unescaped(
        _ range: Range<Int>,
        refusal: (Int, String) -> TemplateError
    ) throws(TemplateError) -> FreeMarkerFragment {
        var result = FreeMarkerFragment(characters: [], origins: [])
        var index = range.lowerBound
        while index < range.upperBound {
            let from = origin(index)
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
                        throw refusal(from, "\\x in a FreeMarker string takes 1 to 4 hexadecimal digits")
                    }
                    character = Character(scalar)
                default:
                    throw refusal(
                        from,
                        "\\\(escape) is not an escape of FreeMarker strings (\\\", \\', \\\\, \\n, \\r, \\t, \\f, "
                            + "\\b, \\l, \\g, \\a, \\{, \\= and \\x20AC are)"
                    )
                }
            }
            result.characters.append(character)
            result.origins?.append(from)
        }
        result.origins?.append(origin(range.upperBound))
        return result
    }
}
