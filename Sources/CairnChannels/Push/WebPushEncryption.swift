import Crypto
import Foundation

/// A push message's payload encrypted for one browser: RFC 8291 (Message Encryption for Web
/// Push) over RFC 8188's `aes128gcm` content coding, in a single record.
///
/// The browser's subscription gives its P-256 public key (`p256dh`) and an authentication secret
/// (`auth`). Each message has a fresh key pair and salt; the shared secret of the two keys, keyed
/// by the authentication secret, gives the content key and nonce.
enum WebPushEncryption {
    /// The record size written in the header: one record holds the whole payload.
    static let recordSize: UInt32 = 4096
    /// The most payload a push carries (RFC 8291, section 4): a push service takes 4096 bytes of
    /// body, less the header (86), the tag (16) and the delimiter (1).
    static let maximumPayload = 3993

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The body to post: the `aes128gcm` header (salt, record size, the sender's public key) and
    /// the encrypted record. `salt` and `senderKey` are made afresh unless a test gives them.
    static func encrypt(
        _ payload: [UInt8],
        p256dh: [UInt8],
        auth: [UInt8],
        salt: [UInt8]? = nil,
        senderKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey()
    ) throws(Failure) -> [UInt8] {
        guard payload.count <= maximumPayload else {
            throw Failure(description: "the push is \(payload.count) bytes; Web Push carries at most \(maximumPayload)")
        }
        guard auth.count == 16 else {
            throw Failure(description: "the subscription's auth secret is not 16 bytes")
        }
        let browserKey: P256.KeyAgreement.PublicKey
        do {
            browserKey = try P256.KeyAgreement.PublicKey(x963Representation: p256dh)
        } catch {
            throw Failure(description: "the subscription's p256dh is not a P-256 public key")
        }
        let shared: SharedSecret
        do {
            shared = try senderKey.sharedSecretFromKeyAgreement(with: browserKey)
        } catch {
            throw Failure(description: "no shared secret with the subscription's key")
        }
        let senderPublic = [UInt8](senderKey.publicKey.x963Representation)
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: .min ... .max) }

        // RFC 8291, section 3.4: the input keying material, from the shared secret and auth.
        let keyInfo = Array("WebPush: info".utf8) + [0] + p256dh + senderPublic
        let secret = shared.withUnsafeBytes { SymmetricKey(data: Data($0)) }
        let authKey = HKDF<SHA256>.extract(inputKeyMaterial: secret, salt: auth)
        let ikm = HKDF<SHA256>.expand(pseudoRandomKey: authKey, info: keyInfo, outputByteCount: 32)

        // RFC 8188, section 2.2 and 2.3: the content key and nonce, from the salt.
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt)
        let contentKey = HKDF<SHA256>.expand(
            pseudoRandomKey: prk,
            info: Array("Content-Encoding: aes128gcm".utf8) + [0],
            outputByteCount: 16
        )
        let nonce = HKDF<SHA256>.expand(
            pseudoRandomKey: prk,
            info: Array("Content-Encoding: nonce".utf8) + [0],
            outputByteCount: 12
        )
        // The last (and only) record ends with the delimiter 0x02 and no padding.
        let record: AES.GCM.SealedBox
        do {
            record = try AES.GCM.seal(
                payload + [2],
                using: contentKey,
                nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) })
            )
        } catch {
            throw Failure(description: "the push could not be encrypted (\(error))")
        }
        var body = salt
        withUnsafeBytes(of: recordSize.bigEndian) { body.append(contentsOf: $0) }
        body.append(UInt8(senderPublic.count))
        body += senderPublic
        body += record.ciphertext
        body += record.tag
        return body
    }
}
