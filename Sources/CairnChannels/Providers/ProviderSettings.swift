public import CairnCore
import Foundation

/// One channel's provider, as the admin API takes it and the configuration gives it:
/// - email: `{"provider":"smtp","url":"smtp://user:pass@host:587","from"?,"unsubscribeMailto"?}`
/// - sms: `{"provider":"twilio","accountSid","authToken","from","baseUrl"?}`
/// - push: `{"provider":"fcm","serviceAccount","baseUrl"?,"webPush"?:{"subject"}}` or
///   `{"provider":"webpush","webPush":{"subject"}}`
/// - print: `{"provider":"spool","directory"}` or `{"provider":"http","url","key"}`
public enum ProviderSettings: Sendable, Hashable {
    case smtp(url: String, SMTPSettings, EmailDefaults)
    case twilio(TwilioSettings)
    case push(PushSettings)
    case print(PrintSettings)

    /// What an email provider adds to every message it sends.
    public struct EmailDefaults: Sendable, Hashable {
        /// The sender (header and envelope) when an asset's `from` is empty; an asset's own `from`
        /// is both otherwise.
        public var from: EmailAddress?
        /// A mailbox for `List-Unsubscribe`'s mailto, beside the https link.
        public var unsubscribeMailto: String?

        public init(from: EmailAddress? = nil, unsubscribeMailto: String? = nil) {
            self.from = from
            self.unsubscribeMailto = unsubscribeMailto
        }
    }

    public var channel: AssetChannel {
        switch self {
        case .smtp: return .email
        case .twilio: return .sms
        case .push: return .push
        case .print: return .print
        }
    }

    public var provider: String {
        switch self {
        case .smtp: return "smtp"
        case .twilio: return "twilio"
        case .push(let push): return push.fcm == nil ? "webpush" : "fcm"
        case .print(let print): return print.provider
        }
    }

    /// Reads a provider's JSON for `channel`; the error's sentence never holds a secret.
    public init(json: JSONValue, channel: AssetChannel) throws(ProviderError) {
        guard case .object(let fields) = json else {
            throw .invalidSettings("The body must be a JSON object naming a provider.")
        }
        let provider = fields["provider"]?.stringValue
        switch (channel, provider) {
        case (.email, "smtp"):
            guard let url = fields["url"]?.stringValue else {
                throw .invalidSettings("An smtp provider needs url, such as smtp://user:pass@host:587.")
            }
            let settings = try SMTPSettings(url: url)
            var defaults = EmailDefaults()
            if let from = fields["from"], !from.isNull {
                guard let text = from.stringValue, let address = EmailAddress(parsing: text) else {
                    throw .invalidSettings("from must be an email address, such as \"Shop <news@shop.example>\".")
                }
                defaults.from = address
            }
            if let mailto = fields["unsubscribeMailto"], !mailto.isNull {
                guard let address = mailto.stringValue.flatMap(EmailAddress.init(parsing:)), address.name == nil else {
                    throw .invalidSettings("unsubscribeMailto must be a bare email address.")
                }
                defaults.unsubscribeMailto = address.address
            }
            self = .smtp(url: url, settings, defaults)
        case (.sms, "twilio"):
            func text(_ name: String) throws(ProviderError) -> String {
                guard let value = fields[name]?.stringValue, !value.isEmpty else {
                    throw .invalidSettings("A twilio provider needs \(name).")
                }
                return value
            }
            let baseURL = fields["baseUrl"]?.stringValue ?? TwilioSettings.defaultBaseURL
            self = .twilio(
                try TwilioSettings(
                    accountSid: try text("accountSid"),
                    authToken: try text("authToken"),
                    from: try text("from"),
                    baseURL: baseURL
                )
            )
        case (.push, "fcm"), (.push, "webpush"):
            self = .push(try PushSettings(fields: fields))
        case (.email, _):
            throw .invalidSettings("The email channel's provider must be \"smtp\".")
        case (.sms, _):
            throw .invalidSettings("The sms channel's provider must be \"twilio\".")
        case (.push, _):
            throw .invalidSettings("The push channel's provider must be \"fcm\" (apps and browsers) or \"webpush\".")
        case (.print, "spool"), (.print, "http"):
            self = .print(try PrintSettings(fields: fields))
        case (.print, _):
            throw .invalidSettings("The print channel's provider must be \"spool\" or \"http\".")
        }
    }

    /// The settings as JSON, secrets included: what is sealed at rest.
    public var json: JSONValue {
        switch self {
        case .smtp(let url, _, let defaults):
            var fields: [String: JSONValue] = ["provider": "smtp", "url": .string(url)]
            if let from = defaults.from { fields["from"] = .string(from.headerText) }
            if let mailto = defaults.unsubscribeMailto { fields["unsubscribeMailto"] = .string(mailto) }
            return .object(fields)
        case .twilio(let settings):
            return .object([
                "provider": "twilio", "accountSid": .string(settings.accountSid),
                "authToken": .string(settings.authToken), "from": .string(settings.from),
                "baseUrl": .string(settings.baseURL),
            ])
        case .push(let push):
            return push.json(revealing: true)
        case .print(let print):
            return print.json(revealing: true)
        }
    }

    /// The settings as JSON with every secret masked: what may be shown.
    public var summary: JSONValue {
        switch self {
        case .smtp(_, let settings, let defaults):
            var fields: [String: JSONValue] = ["provider": "smtp", "url": .string(settings.redactedURL)]
            if let from = defaults.from { fields["from"] = .string(from.headerText) }
            if let mailto = defaults.unsubscribeMailto { fields["unsubscribeMailto"] = .string(mailto) }
            return .object(fields)
        case .twilio(let settings):
            return .object([
                "provider": "twilio", "accountSid": .string(settings.accountSid), "authToken": "********",
                "from": .string(settings.from), "baseUrl": .string(settings.baseURL),
            ])
        case .push(let push):
            return push.json(revealing: false)
        case .print(let print):
            return print.json(revealing: false)
        }
    }
}

extension ProviderSettings: CustomStringConvertible {
    /// The masked summary: a provider printed by mistake shows no secret.
    public var description: String { summary.encodedString() }
}

extension EmailAddress {
    /// `Name <address>`, or the bare address.
    var headerText: String {
        guard let name, !name.isEmpty else { return address }
        let specials = Set("()<>[]:;@\\,.\"")
        guard name.contains(where: { specials.contains($0) }) else { return "\(name) <\(address)>" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address)>"
    }
}
