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

    static func missingTags(in source: String, data: MergeData) -> [String] {
        var stack = [Level(contexts: [.object(data.root)], renders: true, name: "")]
        var missing: [String] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            var tag = rest[open.upperBound...]
            let triple = tag.first == "{"
            if triple { tag = tag.dropFirst() }
            guard let close = tag.range(of: triple ? "}}}" : "}}") else { break }
            let body = tag[..<close.lowerBound].trimmingSpaces()
            rest = tag[close.upperBound...]
            guard let sigil = body.first else { continue }
            let renders = stack.allSatisfy(\.renders)
            switch sigil {
            case "=":
                // New delimiters: what follows is no longer read as {{tags}}.
                return missing
            case "!", "%", ">", "<", "$":
                continue
            case "#", "^":
                let name = String(Self.name(body.dropFirst()))
                let value = resolve(name, in: stack)
                // A section whose name finds nothing may be a typo hiding content: shown like a tag.
                if renders, value == nil, !missing.contains(name) { missing.append(name) }
                let truthy = value.map(isTruthy) ?? false
                if sigil == "#" {
                    stack.append(Level(contexts: truthy ? contexts(of: value) : [], renders: truthy, name: name))
                } else {
                    stack.append(Level(contexts: [], renders: !truthy, name: name))
                }
            case "/":
                if stack.count > 1 { stack.removeLast() }
            default:
                let name = String(Self.name(sigil == "&" ? body.dropFirst() : body))
                guard renders, name != ".", !name.isEmpty else { continue }
                if resolve(name, in: stack) == nil, !missing.contains(name) { missing.append(name) }
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

    private static func resolve(_ name: String, in stack: [Level]) -> JSONValue? {
        let path = name.split(separator: ".")
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
