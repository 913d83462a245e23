/// A position in a template's source for `MustacheParser`, read character by character (`\r\n` is
/// one character, as swift-mustache read it), never moving back.
struct MustacheReader {
    let source: String
    private(set) var index: String.Index

    init(_ source: String) {
        self.source = source
        self.index = source.startIndex
    }

    var atEnd: Bool { index == source.endIndex }

    var current: Character? { atEnd ? nil : source[index] }

    mutating func advance() {
        index = source.index(after: index)
    }

    /// Reads the characters that pass `test`, from here on.
    @discardableResult
    mutating func read(while test: (Character) -> Bool) -> Substring {
        let start = index
        while let character = current, test(character) { advance() }
        return source[start..<index]
    }

    /// Moves past `text` if it comes next.
    mutating func skip(_ text: String) -> Bool {
        var probe = index
        for expected in text {
            guard probe < source.endIndex, source[probe] == expected else { return false }
            probe = source.index(after: probe)
        }
        index = probe
        return true
    }

    /// Moves past the next `text`, wherever it comes; false (not moving) when it never does.
    mutating func skip(past text: String) -> Bool {
        let start = index
        while !atEnd {
            if skip(text) { return true }
            advance()
        }
        index = start
        return false
    }

    /// Text up to a newline (left unread), up to a `{{` (read, and where it is returned), or to the end.
    /// A `{` that does not begin `{{` is text.
    mutating func readText() -> (text: Substring, tag: String.Index?) {
        let start = index
        while let character = current {
            if character == "\n" || character == "\r\n" { break }
            let position = index
            advance()
            if character == "{", current == "{" {
                advance()
                return (source[start..<position], position)
            }
        }
        return (source[start..<index], nil)
    }

    /// Whether a tag that ends here stands alone on its line: it began the line (`atLineStart`) and
    /// only spaces or tabs follow it before a newline, or the template ends right after it. If so, the
    /// rest of the line, newline included, is read: it goes with the tag.
    mutating func standsAlone(atLineStart: Bool) -> Bool {
        guard atLineStart else { return false }
        if atEnd { return true }
        var probe = self
        probe.read { $0 == " " || $0 == "\t" }
        guard let character = probe.current, character.isNewline else { return false }
        probe.advance()
        self = probe
        return true
    }
}
