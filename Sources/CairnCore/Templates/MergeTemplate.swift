import Foundation
import Mustache

/// One field of an asset as a Mustache template (sections and inverted sections give
/// conditionals and defaults), compiled once when saved. HTML fields escape what they insert;
/// text fields (a subject, an SMS, a push) insert it as it is.
public struct MergeTemplate: Sendable {
    public enum Escaping: Sendable {
        case html
        case none
    }

    public let source: String
    let escaping: Escaping
    private let template: MustacheTemplate
    /// Its tags as `missingTags` walks them, read once.
    private let tags: [TagScanner.Tag]

    /// Throws `TemplateError` with the line and column where the template stops making sense.
    public init(_ source: String, escaping: Escaping) throws(TemplateError) {
        try TemplateError.refuseUnsupported(source)
        do {
            // Compiled as written, so that an error's line and column are the author's.
            let compiled = try MustacheTemplate(string: source)
            self.template = escaping == .html ? compiled : try MustacheTemplate(string: Self.textPragma + source)
        } catch let error as MustacheTemplate.ParserError {
            // The parser counts columns from the last "\n"; with Windows line ends, locate on a copy without "\r".
            let unix = source.replacingOccurrences(of: "\r\n", with: "\n")
            if unix != source,
                case .failure(let located as MustacheTemplate.ParserError) = Result(catching: {
                    try MustacheTemplate(string: unix)
                })
            {
                throw TemplateError(located)
            }
            throw TemplateError(error)
        } catch {
            throw TemplateError(line: 1, column: 1, reason: "the template could not be read")
        }
        self.source = source
        self.escaping = escaping
        self.tags = TagScanner.tags(in: source)
    }

    /// On a line of its own, so that it goes with its newline and the template parses as written.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT }}\n"

    public func render(_ data: MergeData) -> String {
        template.render(JSONObjectContext(value: .object(data.root)))
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

    init(_ error: MustacheTemplate.ParserError) {
        let reason: String
        switch error.error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: reason = "a section is closed with a name other than the one it opened with"
        case .unfinishedName?: reason = "a tag is not closed with }}"
        case .expectedSectionEnd?: reason = "a section is opened and never closed"
        case .invalidSetDelimiter?: reason = "a set-delimiter tag is malformed"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: reason = "a {{% … }} pragma is not understood"
        default: reason = "the template is malformed"
        }
        self.init(line: error.context.lineNumber, column: error.context.columnNumber, reason: reason)
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
