import NIOCore
import Testing

@testable import CairnChannels

/// Cutting the server's bytes into replies: continuation lines, pipelined replies arriving
/// together or split anywhere, and lines that are no reply.
@Suite struct SMTPReplyParserTests {
    /// Every reply in `chunks`, fed one chunk after the other.
    static func replies(_ chunks: [String]) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let reply = try parser.next(from: &buffer) { replies.append(reply) }
        }
        return replies
    }

    /// The words of the failure parsing `text` ends in, or nil when it parses.
    static func failure(_ text: String) -> String? {
        do {
            _ = try replies([text])
            return nil
        } catch {
            if case .malformed(let words) = error as? SMTPWireFailure { return words }
            return "\(error)"
        }
    }

    @Test func aMultiLineReplyEndsAtItsLineWithASpace() throws {
        let text = "250-mx.example greets you\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n"
        #expect(
            try Self.replies([text])
                == [SMTPReply(code: 250, lines: ["mx.example greets you", "PIPELINING", "SIZE 1000", "AUTH PLAIN"])]
        )
        #expect(try Self.replies(["250-first\r\n"]).isEmpty)
    }

    @Test func aBareCodeAndBareLineFeedsAreReplies() throws {
        #expect(
            try Self.replies(["250\n", "354 \r\n"]) == [
                SMTPReply(code: 250, lines: [""]), SMTPReply(code: 354, lines: [""]),
            ]
        )
    }

    @Test func pipelinedRepliesArrivingTogetherComeOutInOrder() throws {
        let text = "250 2.1.0 ok\r\n550 5.1.1 no such user\r\n250 2.1.5 ok\r\n354 go ahead\r\n"
        #expect(try Self.replies([text]).map(\.code) == [250, 550, 250, 354])
        #expect(try Self.replies([text])[1].enhancedCode == "5.1.1")
    }

    @Test func repliesSplitAtAnyByteAreTheSame() throws {
        let text = "250-mx.example\r\n250 PIPELINING\r\n550 5.1.1 no\r\n354 go\r\n"
        let whole = try Self.replies([text])
        let bytes = Array(text)
        for cut in 1..<bytes.count {
            #expect(try Self.replies([String(bytes[..<cut]), String(bytes[cut...])]) == whole)
        }
        #expect(try Self.replies(bytes.map { String($0) }) == whole)
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "150 what\r\n", "650 what\r\n", "250_ok\r\n", "250-a\r\n251 b\r\n"])
    func linesThatAreNoReplyAreMalformed(text: String) {
        #expect(Self.failure(text)?.hasPrefix("malformedLine(") == true)
    }

    @Test func aLineLongerThanTheLimitIsRefusedBeforeItEnds() {
        let long = "250 " + String(repeating: "x", count: SMTPReplyParser.maximumLineLength)
        #expect(Self.failure(long) == "lineTooLong")
        #expect(Self.failure(long + "\r\n") == "lineTooLong")
    }

    @Test func tooManyContinuationLinesAreRefused() {
        let text = String(repeating: "250-x\r\n", count: SMTPReplyParser.maximumLineCount + 1)
        #expect(Self.failure(text) == "tooManyLines")
    }

    @Test func theEnhancedCodeMustAgreeWithTheReply() {
        #expect(SMTPReply(code: 550, lines: ["5.7.1 refused"]).enhancedCode == "5.7.1")
        #expect(SMTPReply(code: 550, lines: ["4.7.1 refused"]).enhancedCode == nil)
        #expect(SMTPReply(code: 250, lines: ["ok"]).enhancedCode == nil)
        #expect(SMTPReply(code: 250, lines: ["a", "b"]).text == "250 a / 250 b")
    }
}
