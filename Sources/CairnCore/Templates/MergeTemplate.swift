/// One field of an asset as a Mustache template (sections and inverted sections give
/// conditionals and defaults), compiled once when saved. HTML fields escape what they insert;
/// text fields (a subject, an SMS, a push) insert it as it is.
///
/// Compiling takes time in proportion to the template's length, and nothing in it recurses
/// except rendering, once per section level: sections nested deeper than `maximumNesting` are
/// refused. A render stops with `TemplateRenderLimit` past `maximumRenderSteps` steps or
/// `maximumRenderedBytes` bytes.
public struct MergeTemplate: Sendable {
    public enum Escaping: Sendable {
        case html
        case none
    }

    /// How deep sections may nest: `{{#a}}{{#b}}…{{/b}}{{/a}}` is 2.
    public static let maximumNesting = 100
    /// How many steps a render may take (a node rendered, an item of a list, a value looked through).
    public static let maximumRenderSteps = 10_000_000
    /// How long a rendered template may be, in bytes of UTF-8.
    public static let maximumRenderedBytes = 10 * 1024 * 1024

    public let source: String
    let escaping: Escaping
    private let nodes: [MustacheNode]
    /// Its tags as `missingTags` walks them, read once.
    private let tags: [TagScanner.Tag]

    /// Throws `TemplateError` with the line and column where the template stops making sense.
    public init(_ source: String, escaping: Escaping) throws(TemplateError) {
        try TemplateError.refuseUnsupported(source)
        let nodes = try MustacheParser.parse(source, maximumNesting: Self.maximumNesting)
        self.source = source
        self.escaping = escaping
        self.nodes = nodes
        self.tags = TagScanner.tags(of: nodes)
    }

    /// Throws `TemplateRenderLimit` when, for this data, the render would go past the limits.
    public func render(_ data: MergeData) throws(TemplateRenderLimit) -> String {
        try MustacheRenderer.render(
            nodes,
            root: .object(data.root),
            escapes: escaping == .html,
            limits: MustacheRenderer.Limits(steps: Self.maximumRenderSteps, bytes: Self.maximumRenderedBytes)
        )
    }

    /// The tags that found no value in `data`, in the order they appear.
    public func missingTags(in data: MergeData) -> [String] {
        TagScanner.missingTags(tags, data: data)
    }
}

/// Why a template was refused, and where.
public struct TemplateError: Error, Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// An error at `index` of `source`, counted as `position(of:in:)` counts.
    init(at index: String.Index, in source: String, reason: String) {
        let position = Self.position(of: index, in: source)
        self.init(line: position.line, column: position.column, reason: reason)
    }

    /// The line and column of `index` in `source`, from 1: any newline character (`\r\n` is one)
    /// begins a line, and a column is a character. A walk from the start: for errors only.
    static func position(of index: String.Index, in source: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in source[..<index] {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    /// Partials and inheritance need templates Cairn does not hold, and new delimiters would hide
    /// tags from the checks: refused rather than rendered in surprising ways.
    static func refuseUnsupported(_ source: String) throws(TemplateError) {
        var line = 1
        var column = 1
        var previous: Character = " "
        var afterOpen = false
        for character in source {
            if afterOpen, character == ">" || character == "<" || character == "$" || character == "=" {
                throw TemplateError(
                    line: line,
                    column: column - 2,
                    reason: character == "="
                        ? "changing the delimiters ({{=…=}}) is not supported"
                        : "partials and template inheritance ({{>…}}, {{<…}}, {{$…}}) are not supported"
                )
            }
            afterOpen = previous == "{" && character == "{"
            previous = character
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
    }
}
