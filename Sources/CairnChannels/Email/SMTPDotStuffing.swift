/// The message as DATA carries it (RFC 5321 §4.5.2): a "." doubled at the start of every line,
/// bare CR or LF made CRLF, and the terminating `CRLF . CRLF`.
enum SMTPDotStuffing {
    static func stuff(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 64 + 5)
        var atLineStart = true
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                output.append(contentsOf: [0x0D, 0x0A])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                atLineStart = true
            } else {
                if atLineStart && byte == UInt8(ascii: ".") { output.append(byte) }
                output.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart { output.append(contentsOf: [0x0D, 0x0A]) }
        output.append(contentsOf: [UInt8(ascii: "."), 0x0D, 0x0A])
        return output
    }
}
