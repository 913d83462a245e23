public import CairnCore
import _CryptoExtras

/// A Google service-account key (the JSON file Firebase's console downloads), by which Cairn
/// gets OAuth 2 access tokens for FCM. Checked when made: the private key must be an RSA key.
/// Its descriptions name the account, never the key.
public struct FCMServiceAccount: Sendable, Hashable, CustomStringConvertible {
    public var projectId: String
    public var clientEmail: String
    /// Where access tokens are asked for: the key file's own `token_uri`.
    public var tokenURI: String
    /// The RSA private key, PEM.
    public var privateKeyPEM: String

    /// Reads a key file's JSON; the error says what is missing, never what the key is.
    public init(json: JSONValue) throws(ProviderError) {
        func text(_ name: String) throws(ProviderError) -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw .invalidSettings("The FCM service account needs \(name) (the key file's JSON, as downloaded).")
            }
            return value
        }
        guard json["type"]?.stringValue == "service_account" else {
            throw .invalidSettings("The FCM service account must be a key file of type service_account.")
        }
        projectId = try text("project_id")
        clientEmail = try text("client_email")
        tokenURI = try text("token_uri")
        privateKeyPEM = try text("private_key")
        guard tokenURI.hasPrefix("https://") || tokenURI.hasPrefix("http://") else {
            throw .invalidSettings("The FCM service account's token_uri must be an http(s) URL.")
        }
        guard (try? _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)) != nil else {
            throw .invalidSettings("The FCM service account's private_key is not an RSA private key in PEM.")
        }
    }

    public var description: String { "FCMServiceAccount(\(clientEmail), project \(projectId))" }
}
