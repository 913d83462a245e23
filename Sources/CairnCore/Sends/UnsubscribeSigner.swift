import Crypto
import Foundation

/// Issues and reads unsubscribe tokens. A token is opaque: base64url (no padding) of the subject
/// sealed in a `SecretBox` (AES-GCM) under a key derived from the server's `SecretKey` for this
/// purpose alone. Nothing in it can be read without the
/// key (no userId, brand or channel lands in URLs or proxy logs), each one is different (a
/// random nonce), and one altered or sealed under another key is refused.
///
/// Tokens issued before links were sealed (base64url of a readable JSON array, a dot, base64url
/// of its HMAC-SHA256) are still read, so that the links in emails already sent keep working:
/// they are authenticated by their HMAC as before. Only sealed ones are issued.
public struct UnsubscribeSigner: Sendable {
    /// What seals tokens.
    private let box: SecretBox
    /// The key that signed tokens before they were sealed (read only).
    private let signingKeyBytes: [UInt8]
    private var signingKey: SymmetricKey { SymmetricKey(data: signingKeyBytes) }

    public init(key: SecretKey) {
        self.box = SecretBox(key: key, purpose: "unsubscribe links sealed")
        self.signingKeyBytes = key.derived("unsubscribe links")
    }

    /// A new sealed token naming `subject`.
    public func token(for subject: UnsubscribeSubject) -> String {
        let payload = Self.payload(subject, version: Self.sealedVersion)
        do {
            // A 32-byte key and a random 12-byte nonce: sealing cannot fail.
            return Self.base64URL(Data(try box.seal(payload)))
        } catch {
            preconditionFailure("AES-GCM sealing with a 32-byte key failed: \(error)")
        }
    }

    /// The subject of a token this server issued (sealed, or signed before tokens were
    /// sealed); nil for anything else.
    public func subject(of token: String) -> UnsubscribeSubject? {
        // base64url has no dot: a dot marks the signed form.
        token.contains(".") ? signedSubject(of: token) : sealedSubject(of: token)
    }

    private func sealedSubject(of token: String) -> UnsubscribeSubject? {
        guard let bytes = Self.data(base64URL: Substring(token)), let payload = try? box.open(Array(bytes))
        else { return nil }
        return Self.subject(in: payload, version: Self.sealedVersion)
    }

    private func signedSubject(of token: String) -> UnsubscribeSubject? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]),
            let signature = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: signingKey)
        else { return nil }
        return Self.subject(in: Array(payload), version: Self.signedVersion)
    }

    /// The JSON array a token carries: its version, the tenant's three ids, the userId, the channel.
    private static func payload(_ subject: UnsubscribeSubject, version: String) -> [UInt8] {
        JSONValue.array([
            .string(version), .string(subject.tenant.clientId), .string(subject.tenant.accountId),
            .string(subject.tenant.brandId), .string(subject.userId), .string(subject.channel.rawValue),
        ]).encoded()
    }

    private static func subject(in payload: [UInt8], version: String) -> UnsubscribeSubject? {
        guard case .array(let fields)? = try? JSONParser.parse(payload, maxDepth: 2),
            fields.count == 6, fields[0].stringValue == version,
            let client = fields[1].stringValue, let account = fields[2].stringValue,
            let brand = fields[3].stringValue, let userId = fields[4].stringValue,
            let channel = fields[5].stringValue.flatMap(AssetChannel.init(rawValue:))
        else { return nil }
        return UnsubscribeSubject(
            tenant: Tenant(clientId: client, accountId: account, brandId: brand),
            userId: userId,
            channel: channel
        )
    }

    /// The signed form's payload version: "u2" names a userId.
    static let signedVersion = "u2"
    /// The sealed form's payload version.
    static let sealedVersion = "u3"

    static func base64URL(_ data: Data) -> String { Base64URL.encode(data) }

    static func data(base64URL text: Substring) -> Data? { Base64URL.decode(text).map { Data($0) } }
}
