/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies: lines of at most 76 characters with soft
/// breaks, CRLF hard breaks, `=`, control and non-ASCII bytes and whitespace before a line end escaped.
enum MIMEQuotedPrintable {
    static let maximumLineLength = 76
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes `text`, whose line breaks (CRLF, LF or CR) become CRLF; the result ends with CRLF.
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        for line in lines(of: Array(text.utf8)) {
            encodeLine(line, into: &output)
            output.append(contentsOf: [0x0D, 0x0A])
        }
        return output
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var length = 0
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let literal: Bool
            switch byte {
            case 0x20, 0x09: literal = !isLast
            case 0x3D: literal = false
            case 0x21...0x7E: literal = true
            default: literal = false
            }
            let width = literal ? 1 : 3
            // Room is kept for the "=" of a soft break unless this is the line's last token.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if length + width > limit {
                output.append(contentsOf: [0x3D, 0x0D, 0x0A])
                length = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(contentsOf: [0x3D, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
            length += width
            index = line.index(after: index)
        }
    }

    /// The lines of `bytes`, split at CRLF, LF or CR; a final line break ends the last line.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                lines.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count || lines.isEmpty { lines.append(bytes[start..<bytes.count]) }
        return lines
    }
}
