import CairnCore
import Foundation
import _CryptoExtras

/// The signed JWT a service account trades for an access token (RFC 7523's JWT bearer grant, as
/// Google's OAuth 2 server takes it): RS256 over `{"alg":"RS256","typ":"JWT"}` and the claims
/// `iss` (the account), `scope`, `aud` (the token URI), `iat` and `exp` (an hour on).
enum GoogleAssertion {
    /// The scope that lets a token send through FCM.
    static let firebaseMessagingScope = "https://www.googleapis.com/auth/firebase.messaging"
    static let lifetimeSeconds: Int64 = 3600

    static func make(for account: FCMServiceAccount, at time: Timestamp) throws -> String {
        let issuedAt = time.millisecondsSinceEpoch / 1000
        let header: JSONValue = ["alg": "RS256", "typ": "JWT"]
        let claims: JSONValue = [
            "iss": .string(account.clientEmail), "scope": .string(firebaseMessagingScope),
            "aud": .string(account.tokenURI), "iat": .number(String(issuedAt)),
            "exp": .number(String(issuedAt + lifetimeSeconds)),
        ]
        let signingInput = base64URL(header.encoded()) + "." + base64URL(claims.encoded())
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: account.privateKeyPEM)
        let signature = try key.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + base64URL(Array(signature.rawRepresentation))
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String { Base64URL.encode(bytes) }
}
