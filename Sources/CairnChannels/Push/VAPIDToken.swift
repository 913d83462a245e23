public import CairnCore
public import Crypto
import Foundation

/// RFC 8292's voluntary application server identification: an ES256 JWT for the push service
/// (`aud`: the endpoint's origin, `exp`: 12 hours on, `sub`: who to contact), sent as
/// `Authorization: vapid t=<jwt>, k=<public key>`.
public enum VAPIDToken {
    /// How long a token stands (at most 24 hours, RFC 8292 section 2).
    static let lifetimeSeconds: Int64 = 12 * 3600

    /// The `Authorization` header's value for a push to `endpoint`.
    static func authorization(
        endpoint: URL,
        subject: String,
        key: P256.Signing.PrivateKey,
        at time: Timestamp
    ) throws -> String {
        guard let scheme = endpoint.scheme?.lowercased(), let host = endpoint.host, !host.isEmpty else {
            throw WebPushEncryption.Failure(description: "the endpoint has no origin")
        }
        // The origin as RFC 6454 serializes it: the default port left out, an IPv6 host bracketed.
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var audience = "\(scheme)://\(bracketed.lowercased())"
        if let port = endpoint.port, port != (scheme == "https" ? 443 : 80) { audience += ":\(port)" }
        let header: JSONValue = ["typ": "JWT", "alg": "ES256"]
        let claims: JSONValue = [
            "aud": .string(audience),
            "exp": .number(String(time.millisecondsSinceEpoch / 1000 + lifetimeSeconds)),
            "sub": .string(subject),
        ]
        let signingInput = Base64URL.encode(header.encoded()) + "." + Base64URL.encode(claims.encoded())
        let signature = try key.signature(for: Data(signingInput.utf8))
        let token = signingInput + "." + Base64URL.encode(signature.rawRepresentation)
        return "vapid t=\(token), k=\(publicKey(of: key))"
    }

    /// A VAPID public key as browsers take it (`applicationServerKey`): the uncompressed point, base64url.
    public static func publicKey(of key: P256.Signing.PrivateKey) -> String {
        Base64URL.encode(key.publicKey.x963Representation)
    }
}
