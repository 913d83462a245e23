import Crypto

/// An API token as a client holds it: `cairn_<id>_<secret>`; an admin token is
/// `cairn_admin_<id>_<secret>`, so neither ever passes for the other.
///
/// The `cairn_` prefix makes leaked tokens easy to recognise (and to scan for); the id finds
/// the stored record without a secret-dependent lookup; only a SHA-256 hash of the whole
/// token is stored, and it is compared in constant time.
public struct TokenSecret: Sendable, Hashable {
    public static let prefix = "cairn_"
    /// The prefix of admin tokens (the admin API's bearer tokens).
    public static let adminPrefix = "cairn_admin_"

    public let id: String
    public let text: String

    /// Parses a presented token with `prefix`; nil when it does not have that token shape at all.
    public init?(presented text: String, prefix: String = TokenSecret.prefix) {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        guard let separator = rest.firstIndex(of: UInt8(ascii: "_")) else { return nil }
        let id = String(decoding: rest[rest.startIndex..<separator], as: UTF8.self)
        let secret = rest[rest.index(after: separator)...]
        guard id.utf8.count == 16, id.utf8.allSatisfy(TokenSecret.isHexDigit),
            secret.count == 48, secret.allSatisfy(TokenSecret.isHexDigit)
        else { return nil }
        self.id = id
        self.text = text
    }

    /// A new random token with `prefix`.
    public static func generate(prefix: String = TokenSecret.prefix) -> TokenSecret {
        var generator = SystemRandomNumberGenerator()
        let id = hex(of: (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let secret = hex(of: (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
        // The text is built in the exact shape `init?(presented:)` accepts.
        return TokenSecret(presented: prefix + id + "_" + secret, prefix: prefix)!
    }

    /// SHA-256 of the whole token text: what the store keeps.
    public var hash: [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// Whether this token hashes to `storedHash`, compared in constant time.
    public func matches(storedHash: [UInt8]) -> Bool {
        ConstantTime.equal(hash, storedHash)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    private static func hex(of bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
