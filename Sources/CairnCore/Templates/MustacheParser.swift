/// Reads a Mustache template in one pass, without recursion, into `MustacheNode`s.
///
/// It reads templates exactly as swift-mustache 2.1 (the engine Cairn rendered with before) did, so
/// that every template saved then renders as it did: the same tags, names and transforms, and the
/// same rules for a tag standing alone on its line (the line goes with it) and for the spaces
/// before a tag. Unlike it, reading takes time in proportion to the template's length (that
/// parser measured the rest of the template at every tag, which made 16,000 tags take seconds),
/// and sections may not nest more than a given depth (its parser and renderer recursed once per
/// level, and a few thousand levels overflowed the stack: deeper than the limit, it took what
/// did not crash it). It also reads a template that ends with a lone `{`, which swift-mustache refused.
enum MustacheParser {
    /// What a name or a transform's name may be made of: ASCII letters and digits, `.`, `-`, `_`,
    /// `?` and `*`.
    private static func isPlainNameCharacter(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else { return false }
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: "*"):
            return true
        default:
            return false
        }
    }

    /// What a tag's name may be made of, transforms' brackets included.
    private static func isNameCharacter(_ character: Character) -> Bool {
        character == "(" || character == ")" || isPlainNameCharacter(character)
    }

    /// A section whose closing tag has not been read yet.
    private struct OpenSection {
        var reference: MustacheReference
        var inverted: Bool
        /// Where its node is, to set its end when it closes.
        var node: Int
        /// Where its `{{` is in the source, for errors.
        var tag: String.Index
        /// Whether its opening tag stood alone on its line: swift-mustache went on after a section's
        /// closing tag with the line state its opening tag left.
        var standalone: Bool
    }

    /// Throws `TemplateError` with the line and column of the tag at fault; a section nested more
    /// than `maximumNesting` deep is refused at its opening tag.
    static func parse(_ source: String, maximumNesting: Int) throws(TemplateError) -> [MustacheNode] {
        var reader = MustacheReader(source)
        var nodes: [MustacheNode] = []
        var open: [OpenSection] = []
        // Whether the reader is at the start of a line, where a tag alone on its line goes with it.
        var newLine = true
        // The spaces and tabs that began the line, held until it is known whether a tag stands alone.
        var whiteSpaceBefore: Substring = ""
        while !reader.atEnd {
            if newLine {
                whiteSpaceBefore = reader.read { $0 == " " || $0 == "\t" }
            }
            let (text, tagStart) = reader.readText()
            // (When a tag's `{{` is directly followed by a newline, swift-mustache dropped the `{{`.)
            if let character = reader.current, character.isNewline {
                var line = String(whiteSpaceBefore)
                line.append(contentsOf: text)
                line.append(character)
                nodes.append(.text(line))
                newLine = true
                reader.advance()
                continue
            }
            if !text.isEmpty {
                var run = String(whiteSpaceBefore)
                run.append(contentsOf: text)
                nodes.append(.text(run))
                whiteSpaceBefore = ""
                newLine = false
            }
            // The end of the template, or a `{{` that ends it (ignored, as swift-mustache did).
            guard let tag = tagStart, let sigil = reader.current else { break }
            var standalone = false
            switch sigil {
            case "#", "^":
                reader.advance()
                let reference = try readName(&reader, tag: tag)
                guard open.count < maximumNesting else {
                    throw TemplateError(
                        at: tag,
                        in: source,
                        reason: "sections are nested more than \(maximumNesting) deep"
                    )
                }
                if reader.standsAlone(atLineStart: newLine) {
                    standalone = true
                } else if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                }
                open.append(
                    OpenSection(
                        reference: reference,
                        inverted: sigil == "^",
                        node: nodes.count,
                        tag: tag,
                        standalone: standalone
                    )
                )
                // Its end is set when it closes.
                nodes.append(.section(reference, inverted: sigil == "^", end: nodes.count + 1))
                whiteSpaceBefore = ""
            case "/":
                reader.advance()
                let reference = try readName(&reader, tag: tag)
                guard let section = open.last else {
                    throw TemplateError(
                        at: tag,
                        in: source,
                        reason: "{{/\(reference.written)}} closes a section that was never opened"
                    )
                }
                guard section.reference == reference else {
                    let opened = TemplateError.position(of: section.tag, in: source)
                    let opener = section.inverted ? "^" : "#"
                    throw TemplateError(
                        at: tag,
                        in: source,
                        reason: "{{/\(reference.written)}} cannot close {{\(opener)\(section.reference.written)}}, "
                            + "the section opened at line \(opened.line), column \(opened.column)"
                    )
                }
                if !reader.standsAlone(atLineStart: newLine), !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                }
                open.removeLast()
                nodes[section.node] = .section(section.reference, inverted: section.inverted, end: nodes.count)
                standalone = section.standalone
                whiteSpaceBefore = ""
            case "!":
                reader.advance()
                guard reader.skip(past: "}}") else {
                    throw TemplateError(at: tag, in: source, reason: "a comment {{! … is not closed with }}")
                }
                standalone = reader.standsAlone(atLineStart: newLine)
            case "%":
                reader.advance()
                let pragma = try readPragma(&reader, tag: tag)
                nodes.append(pragma)
                standalone = reader.standsAlone(atLineStart: newLine)
            case "{", "&":
                reader.advance()
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                    whiteSpaceBefore = ""
                }
                let reference = try readName(&reader, tag: tag)
                if sigil == "{", !reader.skip("}") {
                    throw TemplateError(at: tag, in: source, reason: "a {{{ tag is not closed with }}}")
                }
                nodes.append(.variable(reference, escaped: false))
            case "=":
                throw TemplateError(at: tag, in: source, reason: "changing the delimiters ({{=…=}}) is not supported")
            case ">", "<", "$":
                throw TemplateError(
                    at: tag,
                    in: source,
                    reason: "partials and template inheritance ({{>…}}, {{<…}}, {{$…}}) are not supported"
                )
            default:
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                    whiteSpaceBefore = ""
                }
                let reference = try readName(&reader, tag: tag)
                nodes.append(.variable(reference, escaped: true))
            }
            newLine = standalone
        }
        if let section = open.last {
            throw TemplateError(
                at: section.tag,
                in: source,
                reason: "the section {{\(section.inverted ? "^" : "#")\(section.reference.written)}} is opened "
                    + "here and never closed"
            )
        }
        return nodes
    }

    /// The name of a tag and its closing `}}`: spaces around the name are allowed, as are transforms
    /// around it (`uppercased(name)`, `plusone(index())`).
    private static func readName(
        _ reader: inout MustacheReader,
        tag: String.Index
    ) throws(TemplateError) -> MustacheReference {
        reader.read(while: \.isWhitespace)
        let text = reader.read(while: isNameCharacter)
        reader.read(while: \.isWhitespace)
        guard reader.skip("}}") else {
            throw TemplateError(at: tag, in: reader.source, reason: "a tag is not closed with }}")
        }
        guard let parsed = Self.reference(text) else {
            throw TemplateError(
                at: tag,
                in: reader.source,
                reason: "\(shortened(text)) is neither a name nor transforms around one, such as uppercased(name)"
            )
        }
        return parsed
    }

    /// `name`, or transforms around one (`a(b(name))`, each bracket closed), read without recursion.
    private static func reference(_ text: Substring) -> MustacheReference? {
        var index = text.startIndex
        func word() -> Substring {
            let start = index
            while index < text.endIndex, isPlainNameCharacter(text[index]) {
                index = text.index(after: index)
            }
            return text[start..<index]
        }
        var transforms: [String] = []
        var name = word()
        while index < text.endIndex, text[index] == "(" {
            transforms.append(String(name))
            index = text.index(after: index)
            name = word()
        }
        var closing = 0
        while index < text.endIndex, text[index] == ")" {
            closing += 1
            index = text.index(after: index)
        }
        guard closing == transforms.count, index == text.endIndex else { return nil }
        return MustacheReference(name: String(name), transforms: transforms)
    }

    /// `{{% CONTENT_TYPE: TEXT }}` or `HTML`, after its `%`.
    private static func readPragma(
        _ reader: inout MustacheReader,
        tag: String.Index
    ) throws(TemplateError) -> MustacheNode {
        let source = reader.source
        // Made only when thrown: where the tag is takes a walk from the start of the template.
        func refusal() -> TemplateError {
            TemplateError(
                at: tag,
                in: source,
                reason: "a {{% … }} pragma is not understood (only {{% CONTENT_TYPE: TEXT }} and HTML are)"
            )
        }
        reader.read(while: \.isWhitespace)
        let variable = reader.read(while: isPlainNameCharacter)
        reader.read(while: \.isWhitespace)
        guard reader.skip(":") else { throw refusal() }
        reader.read(while: \.isWhitespace)
        let value = reader.read(while: isPlainNameCharacter)
        reader.read(while: \.isWhitespace)
        guard reader.skip("}}"), variable == "CONTENT_TYPE", value == "TEXT" || value == "HTML" else {
            throw refusal()
        }
        return .contentType(escapes: value == "HTML")
    }

    /// `text` as messages quote it: cut after 60 characters.
    static func shortened(_ text: some StringProtocol) -> String {
        var count = 0
        var end = text.startIndex
        while end < text.endIndex, count < 60 {
            end = text.index(after: end)
            count += 1
        }
        return end == text.endIndex ? String(text) : String(text[..<end]) + "…"
    }
}
