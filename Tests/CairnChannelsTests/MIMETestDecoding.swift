import Foundation

/// Small decoders to read composed messages back in tests (independent of the encoder's code).
enum MIMETestDecoding {
    /// Quoted-printable to bytes: soft breaks removed, `=XX` decoded, CRLF kept.
    static func quotedPrintable(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                let hex = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
                output.append(UInt8(hex, radix: 16) ?? 0)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// A header's value unfolded (CRLF before whitespace removed), encoded words decoded, the
    /// whitespace between adjacent encoded words dropped (RFC 2047 §6.2).
    static func headerValue(_ folded: String) -> String {
        let unfolded = folded.replacingOccurrences(of: "\r\n", with: "")
        var result = ""
        var lastWasEncoded = false
        var pendingSpace = ""
        for token in unfolded.split(separator: " ", omittingEmptySubsequences: false) {
            if token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
                let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2)))
            {
                if !lastWasEncoded { result += pendingSpace }
                result += String(decoding: data, as: UTF8.self)
                lastWasEncoded = true
            } else {
                result += pendingSpace + token
                lastWasEncoded = false
            }
            pendingSpace = " "
        }
        return result
    }

    /// The header block of a message (up to the blank line) as name → folded value; and the body.
    static func split(_ message: String) -> (headers: [(name: String, value: String)], body: String) {
        guard let end = message.range(of: "\r\n\r\n") else { return ([], message) }
        var headers: [(name: String, value: String)] = []
        for line in message[..<end.lowerBound].components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].value += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
            }
        }
        return (headers, String(message[end.upperBound...]))
    }
}
