/// A FreeMarker template converted to Mustache, with where each run of the Mustache came from in the author's
/// template, to put an error in the converted text where the author can find it.
struct FreeMarkerConversion {
    /// Where a run of `text` came from.
    struct Segment {
        /// Where the run begins in `text`, in UTF-8 bytes.
        var output: Int
        /// Where it came from in the author's template, in characters.
        var source: Int
        /// Whether the run is the author's text copied character for character; else all of it came from
        /// `source` (tags written for the `${…}` there, or a default's character that an escape wrote).
        var copied: Bool
    }

    var text: String
    /// In the order of `text`.
    var segments: [Segment]
    /// The author's template.
    var source: [Character]

    /// `error`, at a line and column of `text`, at the line and column of the author's template it came from.
    func inSource(_ error: TemplateError) -> TemplateError {
        // Where the error is in `text`, counted as `TemplateError.position(of:in:)` counts.
        var index = text.startIndex
        var line = 1
        var column = 1
        while index < text.endIndex, line < error.line || (line == error.line && column < error.column) {
            if text[index].isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index = text.index(after: index)
        }
        let offset = text.utf8.distance(from: text.startIndex, to: index)
        var origin = 0
        if let segment = segments.last(where: { $0.output <= offset }) {
            origin = segment.source
            if segment.copied {
                let start = text.utf8.index(text.startIndex, offsetBy: segment.output)
                origin += text[start..<index].count
            }
        }
        return FreeMarkerConverter.error(at: origin, in: source, error.reason)
    }
}
