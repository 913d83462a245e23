import Crypto
import Foundation

/// Seals what must be read back (a provider's password or auth token, an unsubscribe link's
/// subject) with AES-GCM under a key derived from the server's `SecretKey` for one purpose, so
/// that no two uses share a key. A sealed value is a version byte, then nonce, cipher text and
/// tag; it names nothing about what it holds.
public struct SecretBox: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private static let version: UInt8 = 1

    /// A box for providers' secrets.
    public init(key: SecretKey) {
        self.init(key: key, purpose: "provider secrets")
    }

    init(key: SecretKey, purpose: String) {
        self.keyBytes = key.derived(purpose)
    }

    public func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key)
        guard let combined = box.combined else { throw SecretBoxError.unreadable }
        return [Self.version] + Array(combined)
    }

    /// Throws `SecretBoxError.unreadable` for a value sealed under another key, or altered.
    public func open(_ sealed: [UInt8]) throws(SecretBoxError) -> [UInt8] {
        guard sealed.first == Self.version else { throw .unreadable }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return Array(try AES.GCM.open(box, using: key))
        } catch {
            throw .unreadable
        }
    }
}

public enum SecretBoxError: Error, CustomStringConvertible {
    case unreadable

    public var description: String {
        "A stored secret could not be opened: it was sealed under another CAIRN_SECRET_KEY, or altered."
    }
}
