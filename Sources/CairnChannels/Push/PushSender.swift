public import CairnCore
public import Logging

/// Sends pushes to a customer's devices: apps (iOS, Android) through FCM, browsers through Web
/// Push. Each message is for one device, which the outbox hands over as the customer has it
/// when the message is claimed.
public final class PushSender: ChannelSender {
    private let fcm: FCMClient?
    private let webPush: WebPushClient?
    /// Who runs the browsers' pushes (VAPID's `sub`): the brand's, else the server's.
    private let subject: String?

    /// `webPush`: the server's browser client (nil when no VAPID keys can be kept); `subject`
    /// the server's `--vapid-subject` for brands that set none.
    public init(settings: PushSettings, webPush: WebPushClient?, subject: String?, logger: Logger) {
        self.fcm = settings.fcm.map { fcm in
            FCMClient(
                account: fcm.account,
                tokens: GoogleAccessTokens(account: fcm.account, addressPolicy: fcm.addressPolicy),
                baseURL: fcm.baseURL,
                addressPolicy: fcm.addressPolicy
            )
        }
        self.webPush = webPush
        self.subject = settings.webPushSubject ?? subject
    }

    public static let noFCM = MessageError(
        code: "channel_not_configured",
        message: "The brand's push channel has no FCM service account, so it cannot reach iOS or Android apps."
    )
    public static let noWebPush = MessageError(
        code: "channel_not_configured",
        message: "Pushes to browsers need a VAPID subject (the push channel's webPush.subject or the server's "
            + "--vapid-subject) and a secret key to keep the brand's VAPID keys."
    )

    /// A push is for a device: without one it cannot go.
    public func send(_ message: OutboxMessage) async -> SendOutcome {
        .permanent(.deviceRemoved, withdrawsConsent: false)
    }

    public func send(_ message: OutboxMessage, to device: PushDevice) async -> SendOutcome {
        let notification = Self.notification(from: message.content)
        do {
            switch device.kind {
            case .iOS, .android:
                guard let fcm, let token = device.token else { return .permanent(Self.noFCM, withdrawsConsent: false) }
                let name = try await fcm.send(notification, to: token)
                return .sent(providerMessageId: name.isEmpty ? nil : name)
            case .web:
                guard let webPush, let subject, let subscription = device.subscription else {
                    return .permanent(Self.noWebPush, withdrawsConsent: false)
                }
                try await webPush.send(notification, to: subscription, tenant: message.tenant, subject: subject)
                return .sent(providerMessageId: nil)
            }
        } catch {
            return SendOutcome(error, text: error.message)
        }
    }

    /// The rendered push asset as a notification: `title`, `body`, `imageUrl`, `url`, `data`.
    static func notification(from content: JSONValue) -> PushNotification {
        func text(_ name: String) -> String? {
            content[name]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        }
        var data: [String: String] = [:]
        if case .object(let fields)? = content["data"] {
            for (key, value) in fields {
                data[key] = value.stringValue ?? value.encodedString()
            }
        }
        return PushNotification(
            title: text("title") ?? "",
            body: text("body") ?? "",
            imageURL: text("imageUrl"),
            url: text("url"),
            data: data
        )
    }

    /// The FCM client's clients; the browser client is the server's and closes with it.
    public func shutdown() async {
        await fcm?.shutdown()
    }
}
