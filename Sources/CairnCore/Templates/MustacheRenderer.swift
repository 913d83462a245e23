import Foundation

/// A value as a template sees it while it renders.
enum MustacheValue {
    /// A value of the merge data, or a transform's result; never null (null is no value at all).
    case json(JSONValue)
    /// A transform's whole number: `index()`, `plusone(index())`.
    case integer(Int)
    /// Where an item of a list section stands, for `first()`, `last()`, `index()`, `even()` and `odd()`.
    case position(MustachePosition)
}

/// The item of a list that a section is rendering.
struct MustachePosition {
    var first: Bool
    var last: Bool
    var index: Int
}

/// Why a render was stopped: for this data, the template would render without end in sight.
/// Sections over lists multiply: a list of two items in sections nested 100 deep is 2¹⁰⁰ renders.
public struct TemplateRenderLimit: Error, Sendable, Hashable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// Renders parsed templates over JSON merge data as swift-mustache 2.1 rendered them over Cairn's
/// JSON values (see `MustacheParser`): a name is looked up from the innermost value out, and a
/// dotted one from the first value that has its first part; `.` is the innermost value; a section
/// over a list renders once per item (null items skipped), over `true` once, over `false`, null, a
/// missing value or an empty list not at all, and over anything else once with it innermost; an
/// inverted section renders where a section would not; lists and objects print as JSON, numbers as
/// the JSON wrote them. Transforms: `empty`, `capitalized`, `lowercased`, `uppercased` and
/// `reversed` on strings; `first()`, `last()`, `index()`, `even()` and `odd()` for a list's item;
/// `equalzero`, `plusone`, `minusone`, `even` and `odd` on `index()`; `exists` on anything, `true`
/// when there is a value (null is none) and `false` when there is not, so that `{{#exists(x)}}`
/// renders once, in the same context, for any x but a missing or null one; and `lbrace()` and
/// `rbrace()`, `{` and `}` (what `FreeMarkerConverter` writes for a `{` that text cannot hold). A
/// transform that does not apply leaves no value.
///
/// Recursion is once per section level, which the parser bounds; the work a render may take and
/// the text it may write are bounded too.
struct MustacheRenderer {
    /// How much a render may do: nodes visited (an item of a list counts as one, and so does each
    /// value looked through for a name), and bytes written.
    struct Limits {
        var steps: Int
        var bytes: Int
    }

    private struct Context {
        /// The values names are looked up in, innermost last.
        var stack: [MustacheValue]
        /// Set while an item of a list renders.
        var position: MustachePosition?
        /// Whether `{{name}}` escapes for HTML (`{{% CONTENT_TYPE: … }}` changes it).
        var escapes: Bool
    }

    private let nodes: [MustacheNode]
    private let limits: Limits
    private var stepsLeft: Int
    private var output = ""

    private init(nodes: [MustacheNode], limits: Limits) {
        self.nodes = nodes
        self.limits = limits
        self.stepsLeft = limits.steps
    }

    static func render(
        _ nodes: [MustacheNode],
        root: JSONValue,
        escapes: Bool,
        limits: Limits
    ) throws(TemplateRenderLimit) -> String {
        var renderer = MustacheRenderer(nodes: nodes, limits: limits)
        try renderer.render(0..<nodes.count, Context(stack: [.json(root)], position: nil, escapes: escapes))
        return renderer.output
    }

    private mutating func render(_ range: Range<Int>, _ context: Context) throws(TemplateRenderLimit) {
        var context = context
        var index = range.lowerBound
        while index < range.upperBound {
            try spend(1)
            switch nodes[index] {
            case .text(let text):
                try write(text)
                index += 1
            case .variable(let reference, let escaped):
                if let value = try resolve(reference, in: context) {
                    let text = Self.text(of: value)
                    try write(escaped && context.escapes ? Self.escapingHTML(text) : text)
                }
                index += 1
            case .section(let reference, let inverted, let end):
                let value = try resolve(reference, in: context)
                if inverted {
                    try renderInverted((index + 1)..<end, over: value, context)
                } else {
                    try renderSection((index + 1)..<end, over: value, context)
                }
                index = end
            case .contentType(let escapes):
                context.escapes = escapes
                index += 1
            }
        }
    }

    private mutating func renderSection(
        _ body: Range<Int>,
        over value: MustacheValue?,
        _ context: Context
    ) throws(TemplateRenderLimit) {
        switch value {
        case .json(.array(let items))?:
            let present = items.filter { !$0.isNull }
            for (offset, item) in present.enumerated() {
                try spend(1)
                var inner = context
                inner.stack.append(.json(item))
                inner.position = MustachePosition(first: offset == 0, last: offset == present.count - 1, index: offset)
                try render(body, inner)
            }
        case .json(.bool(let flag))?:
            if flag { try render(body, context) }
        case let value?:
            var inner = context
            inner.stack.append(value)
            inner.position = nil
            try render(body, inner)
        case nil:
            return
        }
    }

    private mutating func renderInverted(
        _ body: Range<Int>,
        over value: MustacheValue?,
        _ context: Context
    ) throws(TemplateRenderLimit) {
        switch value {
        case .json(.array(let items))?:
            // An empty list (nulls aside) renders it, innermost, as swift-mustache did.
            guard items.allSatisfy(\.isNull) else { return }
            var inner = context
            inner.stack.append(.json(.array(items)))
            inner.position = nil
            try render(body, inner)
        case .json(.bool(let flag))?:
            if !flag { try render(body, context) }
        case .some:
            return
        case nil:
            try render(body, context)
        }
    }

    private mutating func spend(_ steps: Int) throws(TemplateRenderLimit) {
        stepsLeft -= steps
        if stepsLeft < 0 {
            throw TemplateRenderLimit(
                reason: "rendering it would take more than \(limits.steps) steps (sections over lists nested in "
                    + "one another multiply)"
            )
        }
    }

    private mutating func write(_ text: String) throws(TemplateRenderLimit) {
        output += text
        if output.utf8.count > limits.bytes {
            throw TemplateRenderLimit(reason: "it would render more than \(limits.bytes) bytes")
        }
    }

    /// The value `reference` names, its transforms applied; nil for none.
    private mutating func resolve(
        _ reference: MustacheReference,
        in context: Context
    ) throws(TemplateRenderLimit) -> MustacheValue? {
        try spend(context.stack.count)
        var transforms = reference.transforms[...]
        var value: MustacheValue?
        if reference.name.isEmpty, let innermost = transforms.last, let constant = Self.constant(innermost) {
            value = constant
            transforms = transforms.dropLast()
        } else {
            value = Self.lookUp(reference, in: context)
        }
        for transform in transforms.reversed() {
            if transform == "exists" {
                // Whether there is a value at all: the one transform that no value does not stop.
                value = .json(.bool(value != nil))
            } else if let current = value {
                value = Self.transform(current, transform)
            }
        }
        return value
    }

    /// `lbrace()` and `rbrace()`: `{` and `}`, which text cannot always write (`{` before a tag makes `{{{`).
    private static func constant(_ name: String) -> MustacheValue? {
        switch name {
        case "lbrace": return .json(.string("{"))
        case "rbrace": return .json(.string("}"))
        default: return nil
        }
    }

    private static func lookUp(_ reference: MustacheReference, in context: Context) -> MustacheValue? {
        if reference.name == "." { return context.stack.last }
        if reference.name.isEmpty, !reference.transforms.isEmpty {
            return context.position.map(MustacheValue.position)
        }
        // `.name` is read from the innermost value only.
        if reference.name.first == "." { return descend(reference.path[...], from: context.stack.last) }
        guard let first = reference.path.first else { return context.stack.last }
        for value in context.stack.reversed() {
            if let head = member(first, of: value) { return descend(reference.path.dropFirst(), from: head) }
        }
        return nil
    }

    private static func member(_ name: String, of value: MustacheValue) -> MustacheValue? {
        guard case .json(.object(let fields)) = value, let field = fields[name], !field.isNull else { return nil }
        return .json(field)
    }

    private static func descend(_ path: ArraySlice<String>, from start: MustacheValue?) -> MustacheValue? {
        var current = start
        for name in path {
            guard let value = current else { return nil }
            current = member(name, of: value)
        }
        return current
    }

    private static func transform(_ value: MustacheValue, _ name: String) -> MustacheValue? {
        switch value {
        case .json(.string(let text)):
            switch name {
            case "empty": return .json(.bool(text.isEmpty))
            case "capitalized": return .json(.string(text.capitalized))
            case "lowercased": return .json(.string(text.lowercased()))
            case "uppercased": return .json(.string(text.uppercased()))
            case "reversed": return .json(.string(String(text.reversed())))
            default: return nil
            }
        case .integer(let number):
            switch name {
            case "equalzero": return .json(.bool(number == 0))
            case "plusone": return .integer(number &+ 1)
            case "minusone": return .integer(number &- 1)
            case "even": return .json(.bool((number & 1) == 0))
            case "odd": return .json(.bool((number & 1) == 1))
            default: return nil
            }
        case .position(let position):
            switch name {
            case "first": return .json(.bool(position.first))
            case "last": return .json(.bool(position.last))
            case "index": return .integer(position.index)
            case "even": return .json(.bool((position.index & 1) == 0))
            case "odd": return .json(.bool((position.index & 1) == 1))
            default: return nil
            }
        case .json:
            return nil
        }
    }

    private static func text(of value: MustacheValue) -> String {
        switch value {
        case .json(.string(let text)): return text
        case .json(.number(let text)): return text
        case .json(.bool(let flag)): return flag ? "true" : "false"
        case .json(let json): return String(decoding: json.encoded(), as: UTF8.self)
        case .integer(let number): return String(number)
        case .position: return ""
        }
    }

    /// `<`, `>`, `&`, `"` and `'` as entities, as Mustache escapes HTML; also where a combining mark
    /// follows one (swift-mustache compared whole characters and let `<` + U+0338 through).
    static func escapingHTML(_ text: String) -> String {
        let special: (UInt8) -> Bool = { byte in
            byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        guard text.utf8.contains(where: special) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
