import Testing

@testable import CairnChannels

/// DATA's transparency (RFC 5321 §4.5.2): leading dots doubled, line ends made CRLF, `CRLF.CRLF` last.
@Suite struct SMTPDotStuffingTests {
    static func stuffed(_ text: String) -> String {
        String(decoding: SMTPDotStuffing.stuff(Array(text.utf8)), as: UTF8.self)
    }

    @Test func aLeadingDotIsDoubledOnEveryLine() {
        #expect(Self.stuffed(".hidden\r\nshown\r\n..two\r\n") == "..hidden\r\nshown\r\n...two\r\n.\r\n")
    }

    @Test func aLoneDotCannotEndTheMessageEarly() {
        #expect(Self.stuffed("before\r\n.\r\nafter\r\n") == "before\r\n..\r\nafter\r\n.\r\n")
        #expect(Self.stuffed(".") == "..\r\n.\r\n")
    }

    @Test func dotsInsideALineStay() {
        #expect(Self.stuffed("a.b. .c\r\n") == "a.b. .c\r\n.\r\n")
    }

    @Test func bareLineEndsBecomeCRLF() {
        #expect(Self.stuffed("one\ntwo\rthree\r\n.four\n") == "one\r\ntwo\r\nthree\r\n..four\r\n.\r\n")
        #expect(Self.stuffed("\r\r\n") == "\r\n\r\n.\r\n")
    }

    @Test func aMessageWithoutAFinalLineEndGetsOne() {
        #expect(Self.stuffed("last line") == "last line\r\n.\r\n")
        #expect(Self.stuffed("") == ".\r\n")
    }
}
