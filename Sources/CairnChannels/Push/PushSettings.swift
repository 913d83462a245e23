public import CairnCore
import Foundation

/// A brand's push channel: `{"provider":"fcm","serviceAccount":{…},"baseUrl"?,"webPush"?:{"subject"}}`
/// for apps (through Firebase Cloud Messaging) and browsers, or `{"provider":"webpush","webPush":
/// {"subject"}}` for browsers alone. Its descriptions hide the service account's private key.
public struct PushSettings: Sendable, Hashable, CustomStringConvertible {
    /// Apps' pushes: FCM's HTTP v1 API with a service account.
    public struct FCM: Sendable, Hashable {
        public var account: FCMServiceAccount
        /// Without a trailing slash.
        public var baseURL: String
        /// Where `baseURL` and the account's token URI may be: any address for the operator's
        /// own provider, public ones only for a brand's unless the server allows private ones.
        public var addressPolicy: OutboundAddressPolicy = .anyAddress

        public init(account: FCMServiceAccount, baseURL: String = FCMClient.defaultBaseURL) throws(ProviderError) {
            guard let base = HTTPBaseURL.normalized(baseURL) else {
                throw .invalidSettings(
                    "The push channel's baseUrl \"\(baseURL)\" must be an http or https URL without query, "
                        + "fragment or credentials."
                )
            }
            guard HTTPBaseURL.normalized(account.tokenURI) != nil else {
                throw .invalidSettings(
                    "The FCM service account's token_uri must be an http or https URL without query, fragment or "
                        + "credentials."
                )
            }
            self.account = account
            self.baseURL = base
        }
    }

    public var fcm: FCM?
    /// Who runs the pushes to browsers (RFC 8292's `sub`: a `mailto:` or `https:` URL); nil: the
    /// server's `--vapid-subject`.
    public var webPushSubject: String?

    public init(fcm: FCM?, webPushSubject: String? = nil) throws(ProviderError) {
        if let webPushSubject { try Self.checkSubject(webPushSubject) }
        self.fcm = fcm
        self.webPushSubject = webPushSubject
    }

    /// A VAPID subject must let a push service reach whoever sends: a `mailto:` address or an
    /// `https:` URL (RFC 8292, section 2.1).
    public static func checkSubject(_ subject: String) throws(ProviderError) {
        let lowered = subject.lowercased()
        let usable =
            (lowered.hasPrefix("mailto:") && subject.dropFirst(7).contains("@"))
            || (lowered.hasPrefix("https://") && URL(string: subject)?.host?.isEmpty == false)
        guard usable else {
            throw .invalidSettings(
                "The Web Push subject must be a mailto: address or an https: URL, such as mailto:push@shop.example."
            )
        }
    }

    /// Reads the push channel's JSON (its `provider` already known to be `fcm` or `webpush`).
    init(fields: [String: JSONValue]) throws(ProviderError) {
        var subject: String?
        if let webPush = fields["webPush"], !webPush.isNull {
            guard case .object(let options) = webPush else {
                throw .invalidSettings("webPush must be an object, such as {\"subject\":\"mailto:push@shop.example\"}.")
            }
            if let value = options["subject"], !value.isNull {
                guard let text = value.stringValue else {
                    throw .invalidSettings("webPush.subject must be a string.")
                }
                subject = text
            }
        }
        var fcm: FCM?
        if fields["provider"]?.stringValue == "fcm" {
            guard let account = fields["serviceAccount"], !account.isNull else {
                throw .invalidSettings(
                    "An fcm provider needs serviceAccount: the service account key file's JSON, as Firebase gives it."
                )
            }
            fcm = try FCM(
                account: try FCMServiceAccount(json: account),
                baseURL: fields["baseUrl"]?.stringValue ?? FCMClient.defaultBaseURL
            )
        }
        try self.init(fcm: fcm, webPushSubject: subject)
    }

    /// As sealed at rest (`reveal`) or as shown (the private key masked).
    func json(revealing reveal: Bool) -> JSONValue {
        var fields: [String: JSONValue] = ["provider": fcm == nil ? "webpush" : "fcm"]
        if let fcm {
            let account = fcm.account
            fields["serviceAccount"] = [
                "type": "service_account", "project_id": .string(account.projectId),
                "client_email": .string(account.clientEmail), "token_uri": .string(account.tokenURI),
                "private_key": .string(reveal ? account.privateKeyPEM : "********"),
            ]
            fields["baseUrl"] = .string(fcm.baseURL)
        }
        if let webPushSubject { fields["webPush"] = ["subject": .string(webPushSubject)] }
        return .object(fields)
    }

    public var description: String { json(revealing: false).encodedString() }
}
