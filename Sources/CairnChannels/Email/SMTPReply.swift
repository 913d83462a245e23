import NIOCore

/// One SMTP reply: a three-digit code and its lines of text (RFC 5321 §4.2).
struct SMTPReply: Sendable, Hashable {
    var code: Int
    /// The text of each line, after the code and its separator.
    var lines: [String]

    /// The reply as the server wrote it, lines joined by " / ": `250 2.0.0 Ok: queued as ABC`.
    var text: String {
        lines.map { $0.isEmpty ? "\(code)" : "\(code) \($0)" }.joined(separator: " / ")
    }

    /// The RFC 3463 enhanced status code at the start of the first line (e.g. "5.1.1") when its
    /// class agrees with the reply code's first digit.
    var enhancedCode: String? {
        guard let first = lines.first, let token = first.split(separator: " ").first else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), let klass = Int(parts[0]), klass == code / 100,
            [2, 4, 5].contains(klass)
        else { return nil }
        return String(token)
    }
}

/// Cuts SMTP replies off a stream of bytes: lines `ddd-text` continue a reply, `ddd text` (or
/// `ddd`) ends it. Lines may end in CRLF or a bare LF.
struct SMTPReplyParser {
    /// Longer lines are a protocol violation (RFC 5321 allows 512 octets).
    static let maximumLineLength = 4096
    /// A reply of more lines is a protocol violation.
    static let maximumLineCount = 1000

    // The failures' words are those the server's error sentences have always carried.
    private static let lineTooLong = SMTPWireFailure.malformed("lineTooLong")

    private static func malformedLine(_ line: String) -> SMTPWireFailure {
        .malformed("malformedLine(\(String(reflecting: String(line.prefix(80)))))")
    }

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// Whether part of a reply has been read.
    var hasPartialReply: Bool { !pendingLines.isEmpty }

    /// The next complete reply in `buffer` (consuming its bytes), or nil when more bytes are needed.
    mutating func next(from buffer: inout ByteBuffer) throws(SMTPWireFailure) -> SMTPReply? {
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                if view.count > Self.maximumLineLength { throw Self.lineTooLong }
                return nil
            }
            var line = view[view.startIndex..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.count <= Self.maximumLineLength else { throw Self.lineTooLong }
            let text = String(decoding: line, as: UTF8.self)
            buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
            if let reply = try accept(line: text) { return reply }
        }
    }

    private mutating func accept(line: String) throws(SMTPWireFailure) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
            (0x32...0x35).contains(bytes[0]), let code = Int(String(decoding: bytes[0...2], as: UTF8.self))
        else { throw Self.malformedLine(line) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw Self.malformedLine(line)
        }
        if let pendingCode, pendingCode != code { throw Self.malformedLine(line) }
        pendingCode = code
        pendingLines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard pendingLines.count <= Self.maximumLineCount else { throw .malformed("tooManyLines") }
        guard separator == UInt8(ascii: " ") else { return nil }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }
}
