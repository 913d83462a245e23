import Foundation

/// Finds the tags of a template that would render nothing for some data: what a preview shows
/// a marketer as `missingTags`, so that a typo is seen before customers see it. It walks the
/// tags as Mustache renders them: a section pushes its value (any element of a list), a section
/// that would not render hides its tags, and a name is looked up from the innermost context out.
/// A section or inverted section whose name finds no value at all (not `false`, not `[]`) is
/// listed too: `{{#custmer.vip}}` hides its content as silently as a misspelt tag prints nothing.
enum TagScanner {
    private struct Level {
        /// The values a name inside may be read from; empty for a level that adds none.
        var contexts: [JSONValue]
        /// Whether the section renders at all for this data.
        var renders: Bool
        var name: String
    }

    /// A tag that counts for `missingTags`, read once from a template's source.
    struct Tag: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case section
            case invertedSection
            case close
            case variable
        }

        var kind: Kind
        var name: String
        /// The name split at its dots.
        var path: [Substring]

        init(_ kind: Kind, name: String = "") {
            self.kind = kind
            self.name = name
            self.path = name.split(separator: ".")
        }
    }

    static func missingTags(in source: String, data: MergeData) -> [String] {
        missingTags(tags(in: source), data: data)
    }

    /// The tags of `source` that `missingTags` walks, in order (up to a set-delimiter tag: what
    /// follows is no longer read as {{tags}}).
    static func tags(in source: String) -> [Tag] {
        var tags: [Tag] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            var tag = rest[open.upperBound...]
            let triple = tag.first == "{"
            if triple { tag = tag.dropFirst() }
            guard let close = tag.range(of: triple ? "}}}" : "}}") else { break }
            let body = tag[..<close.lowerBound].trimmingSpaces()
            rest = tag[close.upperBound...]
            guard let sigil = body.first else { continue }
            switch sigil {
            case "=":
                return tags
            case "!", "%", ">", "<", "$":
                continue
            case "#", "^":
                tags.append(Tag(sigil == "#" ? .section : .invertedSection, name: String(name(body.dropFirst()))))
            case "/":
                tags.append(Tag(.close))
            default:
                let name = String(Self.name(sigil == "&" ? body.dropFirst() : body))
                guard name != ".", !name.isEmpty else { continue }
                tags.append(Tag(.variable, name: name))
            }
        }
        return tags
    }

    /// The tags that find no value in `data`, in the order they appear.
    static func missingTags(_ tags: [Tag], data: MergeData) -> [String] {
        var stack = [Level(contexts: [.object(data.root)], renders: true, name: "")]
        var missing: [String] = []
        for tag in tags {
            let renders = stack.allSatisfy(\.renders)
            switch tag.kind {
            case .section, .invertedSection:
                let value = resolve(tag.path, in: stack)
                // A section whose name finds nothing may be a typo hiding content: shown like a tag.
                if renders, value == nil, !missing.contains(tag.name) { missing.append(tag.name) }
                let truthy = value.map(isTruthy) ?? false
                if tag.kind == .section {
                    stack.append(Level(contexts: truthy ? contexts(of: value) : [], renders: truthy, name: tag.name))
                } else {
                    stack.append(Level(contexts: [], renders: !truthy, name: tag.name))
                }
            case .close:
                if stack.count > 1 { stack.removeLast() }
            case .variable:
                guard renders else { continue }
                if resolve(tag.path, in: stack) == nil, !missing.contains(tag.name) { missing.append(tag.name) }
            }
        }
        return missing
    }

    /// A tag's name without spaces or a transform (`uppercased(name)` reads `name`).
    private static func name(_ text: Substring) -> Substring {
        var name = text.trimmingSpaces()
        if let open = name.firstIndex(of: "("), name.last == ")" {
            name = name[name.index(after: open)..<name.index(before: name.endIndex)].trimmingSpaces()
        }
        return name
    }

    private static func resolve(_ path: [Substring], in stack: [Level]) -> JSONValue? {
        guard let first = path.first else { return nil }
        for level in stack.reversed() {
            for context in level.contexts {
                guard case .object(let fields) = context, let head = fields[String(first)], !head.isNull else {
                    continue
                }
                return MergeData.value(at: Array(path.dropFirst()), in: head)
            }
        }
        return nil
    }

    private static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .array(let items): return !items.isEmpty
        default: return true
        }
    }

    private static func contexts(of value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let items)?: return items
        case .some(let value): return [value]
        case .none: return []
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\n" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\n" { result = result.dropLast() }
        return result
    }
}
