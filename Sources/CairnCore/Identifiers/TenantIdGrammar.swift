/// The one grammar of client, account and brand ids, wherever they arrive (a Track or admin
/// path, a token's scope, the CLI): URL-safe characters only (letters, digits, `-`, `_`, `.`,
/// `~`), 1 to 128 bytes, and not `.` or `..`, so that every id can be named in a path as it is.
/// Asset ids follow it too.
public enum TenantIdGrammar {
    public static let maximumBytes = 128

    public static func isValid(_ text: some StringProtocol) -> Bool {
        // "." and ".." are path segments that clients and proxies collapse.
        text != "." && text != ".." && (1...maximumBytes).contains(text.utf8.count)
            && text.utf8.allSatisfy(isIdByte)
    }

    /// A path segment as its id: percent-escapes decoded once (`%2D` is `-`), nil when the
    /// decoded text is not an id (`a%00b`, `caf%C3%A9`, `a%2Fb`, `%252D`).
    public static func decodePathSegment(_ segment: some StringProtocol) -> String? {
        guard segment.utf8.contains(UInt8(ascii: "%")) else {
            return isValid(segment) ? String(segment) : nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        // Every id byte is ASCII, so a decoded id is valid UTF-8 whenever it is valid at all.
        guard bytes.allSatisfy(isIdByte) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        return isValid(text) ? text : nil
    }

    /// A sentence saying what an id must be, for refusals that name the field: "brand must be …".
    public static func rule(for field: String) -> String {
        "\(field) must be 1 to \(maximumBytes) letters, digits, '-', '_', '.' or '~' (not . or ..)."
    }

    private static func isIdByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "~")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
