import Crypto
import Foundation

/// Signs and checks unsubscribe tokens: base64url of a JSON array, a dot, base64url of its
/// HMAC-SHA256.
public struct UnsubscribeSigner: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: SecretKey) {
        self.keyBytes = key.derived("unsubscribe links")
    }

    public func token(for subject: UnsubscribeSubject) -> String {
        let payload = JSONValue.array([
            .string(Self.version), .string(subject.tenant.clientId), .string(subject.tenant.accountId),
            .string(subject.tenant.brandId), .string(subject.userId), .string(subject.channel.rawValue),
        ]).encoded()
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64URL(Data(payload)) + "." + Self.base64URL(Data(signature))
    }

    /// The subject of a token this server signed; nil for anything else.
    public func subject(of token: String) -> UnsubscribeSubject? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]),
            let signature = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key),
            case .array(let fields)? = try? JSONParser.parse(Array(payload), maxDepth: 2),
            fields.count == 6, fields[0].stringValue == Self.version,
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

    /// The payload's form: "u2" names a userId.
    static let version = "u2"

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
