import Crypto
import Foundation

/// The server's secret key (`CAIRN_SECRET_KEY`: 32 random bytes, base64): provider secrets are
/// sealed under a key derived from it, and unsubscribe links under another. Every
/// node sharing a database must have the same one.
public struct SecretKey: Sendable {
    /// The key's bytes (Crypto's `SymmetricKey` is not `Sendable`; one is made per use).
    let material: [UInt8]

    /// Reads the base64 text of 32 bytes; nil for anything else.
    public init?(base64 text: String) {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else { return nil }
        material = Array(bytes)
    }

    /// A new random key.
    public static func generate() -> SecretKey {
        SecretKey(material: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    init(material: [UInt8]) {
        self.material = material
    }

    /// The key as `CAIRN_SECRET_KEY` takes it.
    public var base64: String {
        Data(material).base64EncodedString()
    }

    /// The bytes of a key for one purpose, so that no two uses share a key.
    func derived(_ purpose: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material),
            info: Data("cairn \(purpose)".utf8),
            outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }
}
