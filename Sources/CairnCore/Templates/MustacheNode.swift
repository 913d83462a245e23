/// A name as a tag writes it: `customer.firstName`, `.` (the current value), or inside transforms,
/// `uppercased(customer.firstName)`, `plusone(index())` and `exists(customer.firstName)`.
struct MustacheReference: Sendable, Hashable {
    /// The name inside any transforms, as written: `customer.firstName`, `.`, `.firstName` (read from
    /// the innermost value only), or empty inside a transform of a list's position (`index()`) or of
    /// nothing (`lbrace()`, `rbrace()`).
    var name: String
    /// `name` split at its dots, empty parts left out.
    var path: [String]
    /// The transforms around the name, outermost first: `uppercased(reversed(x))` is
    /// `["uppercased", "reversed"]`.
    var transforms: [String]

    init(name: String, transforms: [String] = []) {
        self.name = name
        self.path = name.split(separator: ".").map(String.init)
        self.transforms = transforms
    }

    /// The name as the author wrote it between the braces, shortened when it is long, for messages.
    var written: String {
        MustacheParser.shortened(
            transforms.map { $0 + "(" }.joined() + name + String(repeating: ")", count: transforms.count)
        )
    }
}

/// One piece of a parsed template. A section's body is the nodes that follow it up to its `end`,
/// so that a template is one flat array: reading it, keeping it and freeing it never recurse, and
/// the renderer recurses once per section level, which the parser bounds.
enum MustacheNode: Sendable, Hashable {
    /// Text, written as it is.
    case text(String)
    /// `{{name}}` (`escaped`: escaped while the content type is HTML) or `{{{name}}}` / `{{&name}}`.
    case variable(MustacheReference, escaped: Bool)
    /// `{{#name}}`, or `{{^name}}` when `inverted`; its body is the nodes after it, up to `end` (excluded).
    case section(MustacheReference, inverted: Bool, end: Int)
    /// `{{% CONTENT_TYPE: HTML }}` or `TEXT`: whether the variables after it, in its section, are escaped.
    case contentType(escapes: Bool)
}
