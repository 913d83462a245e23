/// The Mustache a FreeMarker template becomes, written a piece at a time, with where each run of
/// it came from in the author's template; a `{` of text is written `{{lbrace()}}` where Mustache
/// would read it as the start of a tag.
struct FreeMarkerOutput {
    private var text = ""
    private var segments: [FreeMarkerConversion.Segment] = []
    /// The origin that lengthens the last segment, when it is copied text.
    private var nextCopied: Int?
    /// Where a `{` of text comes from that is held until what follows it is known: Mustache reads `{` before
    /// `{` as a tag.
    private var heldBrace: Int?
    /// Whether Mustache, having read the text, is at the start of a line (nothing but spaces and tabs since a
    /// newline, and no tag since), where a tag with a newline after it stands alone and takes the newline.
    private(set) var atLineStart = true

    /// The whole conversion of `source`.
    mutating func finish(source: [Character]) -> FreeMarkerConversion {
        releaseBrace(beforeBrace: false)
        return FreeMarkerConversion(text: text, segments: segments, source: source)
    }

    /// A character of the author's text, from `origin`.
    mutating func writeText(_ character: Character, from origin: Int) {
        if character == "{" {
            releaseBrace(beforeBrace: true)
            heldBrace = origin
            atLineStart = false
            return
        }
        releaseBrace(beforeBrace: false)
        record(origin, copied: true)
        text.append(character)
        if character.isNewline {
            atLineStart = true
        } else if character != " ", character != "\t" {
            atLineStart = false
        }
    }

    /// Mustache tags (each begins with `{{`), written for the `${…}` at `origin`.
    mutating func write(tag: String, from origin: Int) {
        releaseBrace(beforeBrace: true)
        record(origin, copied: false)
        text += tag
        atLineStart = false
    }

    /// Writes the held `{`, as `{{lbrace()}}` when a `{` comes next.
    private mutating func releaseBrace(beforeBrace: Bool) {
        guard let origin = heldBrace else { return }
        heldBrace = nil
        record(origin, copied: !beforeBrace)
        text += beforeBrace ? "{{lbrace()}}" : "{"
    }

    /// Notes that what is written next comes from `origin`.
    private mutating func record(_ origin: Int, copied: Bool) {
        if copied, origin == nextCopied {
            nextCopied = origin + 1
            return
        }
        segments.append(FreeMarkerConversion.Segment(output: text.utf8.count, source: origin, copied: copied))
        nextCopied = copied ? origin + 1 : nil
    }
}
