/// What a server said it supports in its reply to EHLO (RFC 5321 §4.1.1.1); empty after HELO.
struct SMTPExtensions: Sendable, Hashable {
    /// Keyword (upper-cased) → its parameters.
    private var keywords: [String: [String]] = [:]

    init() {}

    /// Reads the lines after the first (the greeting line) of a 250 reply to EHLO.
    init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            keywords[keyword, default: []].append(contentsOf: words.dropFirst())
        }
    }

    func offers(_ keyword: String) -> Bool { keywords[keyword] != nil }

    var startTLS: Bool { offers("STARTTLS") }
    var pipelining: Bool { offers("PIPELINING") }
    var smtpUTF8: Bool { offers("SMTPUTF8") }
    var eightBitMIME: Bool { offers("8BITMIME") }

    /// The AUTH mechanisms offered, upper-cased.
    var authMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }

    /// The SIZE limit in bytes when the server gave one (0 means no limit).
    var sizeLimit: Int? {
        guard let limit = keywords["SIZE"]?.first.flatMap({ Int($0) }), limit > 0 else { return nil }
        return limit
    }
}
