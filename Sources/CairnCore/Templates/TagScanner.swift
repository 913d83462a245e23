/// Finds the tags of a template that would render nothing for some data: what a preview shows
/// a marketer as `missingTags`, so that a typo is seen before customers see it. It walks the
/// tags as Mustache renders them: a section pushes its value (any element of a list), a section
/// that would not render hides its tags, and a name is looked up from the innermost context out.
/// A section or inverted section whose name finds no value at all (not `false`, not `[]`) is
/// listed too: `{{#custmer.vip}}` hides its content as silently as a misspelt tag prints nothing.
/// A name asked about with `exists` (`{{#exists(x)}}`, as a FreeMarker default is converted) is
/// never listed: that it may have no value is said.
enum TagScanner {
    private struct Level {
        /// The values a name inside may be read from; empty for a level that adds none.
        var contexts: [JSONValue]
        /// Whether the section renders at all for this data.
        var renders: Bool
        var name: String
    }

    /// How many values the walk may look through for names (a list's items are as many values):
    /// past it, the tags found so far are all it answers.
    static let maximumLookups = 1_000_000

    /// A tag that counts for `missingTags`, read once from a template when it is compiled.
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
        /// Whether the section asks only whether the name has a value (`{{#exists(name)}}`): it is not
        /// missing when it has none, and it renders in the context around it.
        var asksExistence: Bool

        init(_ kind: Kind, name: String = "", asksExistence: Bool = false) {
            self.kind = kind
            self.name = name
            self.path = name.split(separator: ".")
            self.asksExistence = asksExistence
        }
    }

    /// The tags of a parsed template that `missingTags` walks, in order: its sections (each with
    /// its close) and variables, by the names inside their transforms (`uppercased(name)` reads
    /// `name`); `{{.}}`, a list position's `{{index()}}`, `{{lbrace()}}` and `{{exists(name)}}`
    /// (`true` or `false`) name nothing to look for.
    static func tags(of nodes: [MustacheNode]) -> [Tag] {
        var tags: [Tag] = []
        // Where the open sections end, innermost last.
        var ends: [Int] = []
        for (index, node) in nodes.enumerated() {
            while let end = ends.last, end == index {
                tags.append(Tag(.close))
                ends.removeLast()
            }
            switch node {
            case .section(let reference, let inverted, let end):
                tags.append(
                    Tag(
                        inverted ? .invertedSection : .section,
                        name: reference.name,
                        asksExistence: reference.transforms.first == "exists"
                    )
                )
                ends.append(end)
            case .variable(let reference, _):
                if reference.name != ".", !reference.name.isEmpty, reference.transforms.first != "exists" {
                    tags.append(Tag(.variable, name: reference.name))
                }
            case .text, .contentType:
                break
            }
        }
        tags.append(contentsOf: repeatElement(Tag(.close), count: ends.count))
        return tags
    }

    /// The tags that find no value in `data`, in the order they appear.
    static func missingTags(_ tags: [Tag], data: MergeData) -> [String] {
        var stack = [Level(contexts: [.object(data.root)], renders: true, name: "")]
        // How many levels of the stack do not render: a tag renders when none.
        var hidden = 0
        var missing: [String] = []
        var listed: Set<String> = []
        var lookupsLeft = maximumLookups
        for tag in tags {
            let renders = hidden == 0
            switch tag.kind {
            case .section, .invertedSection:
                // `{{#.}}` and a list position's `{{#first()}}` name nothing to look for: taken to render,
                // so that the tags inside are checked.
                if tag.path.isEmpty {
                    stack.append(Level(contexts: [], renders: true, name: tag.name))
                    continue
                }
                let value = resolve(tag.path, in: stack, lookupsLeft: &lookupsLeft)
                if lookupsLeft <= 0 { return missing }
                // A section whose name finds nothing may be a typo hiding content: shown like a tag.
                if renders, value == nil, !tag.asksExistence, listed.insert(tag.name).inserted {
                    missing.append(tag.name)
                }
                let truthy = tag.asksExistence ? value != nil : (value.map(isTruthy) ?? false)
                let level =
                    tag.kind == .section
                    ? Level(
                        contexts: truthy && !tag.asksExistence ? contexts(of: value) : [],
                        renders: truthy,
                        name: tag.name
                    )
                    : Level(contexts: [], renders: !truthy, name: tag.name)
                if !level.renders { hidden += 1 }
                stack.append(level)
            case .close:
                if stack.count > 1 {
                    let level = stack.removeLast()
                    if !level.renders { hidden -= 1 }
                }
            case .variable:
                guard renders else { continue }
                let value = resolve(tag.path, in: stack, lookupsLeft: &lookupsLeft)
                if lookupsLeft <= 0 { return missing }
                if value == nil, listed.insert(tag.name).inserted { missing.append(tag.name) }
            }
        }
        return missing
    }

    private static func resolve(_ path: [Substring], in stack: [Level], lookupsLeft: inout Int) -> JSONValue? {
        guard let first = path.first else { return nil }
        let key = String(first)
        for level in stack.reversed() {
            for context in level.contexts {
                lookupsLeft -= 1
                if lookupsLeft <= 0 { return nil }
                guard case .object(let fields) = context, let head = fields[key], !head.isNull else { continue }
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
