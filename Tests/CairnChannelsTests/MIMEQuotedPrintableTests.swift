import Testing

@testable import CairnChannels

/// Quoted-printable at its edges: the 76-character limit, soft breaks, escapes never split,
/// whitespace before a line end.
@Suite struct MIMEQuotedPrintableTests {
    static func encoded(_ text: String) -> String {
        String(decoding: MIMEQuotedPrintable.encode(text), as: UTF8.self)
    }

    static func lines(_ text: String) -> [Substring] {
        encoded(text).split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
    }

    @Test func aLineOfExactlySeventySixCharactersIsNotBroken() {
        let line = String(repeating: "a", count: 76)
        #expect(Self.encoded(line) == line + "\r\n")
    }

    @Test func aLongerLineGetsASoftBreakWithinTheLimit() {
        let line = String(repeating: "a", count: 77)
        #expect(Self.encoded(line) == String(repeating: "a", count: 75) + "=\r\naa\r\n")
    }

    @Test func anEscapeIsNeverSplitAcrossASoftBreak() {
        for prefix in 70...78 {
            let text = String(repeating: "a", count: prefix) + "é=b"
            for line in Self.lines(text) {
                #expect(line.count <= 76)
                // A soft break's "=" ends a line; every other "=" starts three whole characters.
                let body = line.hasSuffix("=") ? line.dropLast() : line[...]
                var rest = body[...]
                while let index = rest.firstIndex(of: "=") {
                    let escape = rest[index...].prefix(3)
                    #expect(escape.count == 3)
                    #expect(escape.dropFirst().allSatisfy { $0.isHexDigit })
                    rest = rest[rest.index(after: index)...]
                }
            }
            #expect(MIMETestDecoding.quotedPrintable(Self.encoded(text)) == Array((text + "\r\n").utf8))
        }
    }

    @Test func equalsAndNonASCIIAreEscaped() {
        #expect(Self.encoded("a=b é") == "a=3Db =C3=A9\r\n")
    }

    @Test func whitespaceBeforeALineEndIsEscaped() {
        #expect(Self.encoded("trailing space \nand tab\t\nmid dle") == "trailing space=20\r\nand tab=09\r\nmid dle\r\n")
    }

    @Test func trailingWhitespaceAtTheLimitStaysWithinIt() {
        let text = String(repeating: "a", count: 74) + " "
        for line in Self.lines(text) { #expect(line.count <= 76) }
        #expect(MIMETestDecoding.quotedPrintable(Self.encoded(text)) == Array((text + "\r\n").utf8))
    }

    @Test func lineBreaksOfEveryKindBecomeCRLF() {
        #expect(Self.encoded("a\r\nb\nc\rd") == "a\r\nb\r\nc\r\nd\r\n")
        #expect(Self.encoded("") == "\r\n")
    }
}
