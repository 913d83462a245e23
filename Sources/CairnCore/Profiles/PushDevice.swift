/// A device a customer may be sent pushes on: an app on iOS or Android (a Firebase Cloud
/// Messaging registration token) or a browser (a Push API subscription). One per `deviceId`; a
/// new registration of the same id replaces its token.
public struct PushDevice: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case iOS
        case android = "Android"
        case web = "Web"

        /// `iOS`, `Android` or `Web` in any letter case (Segment's `context.device.type` is `ios`).
        public init?(named name: String) {
            guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                return nil
            }
            self = kind
        }
    }

    /// A browser's Push API subscription (`PushSubscription.toJSON()`).
    public struct WebSubscription: Sendable, Hashable {
        public var endpoint: String
        /// The browser's P-256 public key, base64url.
        public var p256dh: String
        /// The browser's authentication secret, base64url.
        public var auth: String

        public init(endpoint: String, p256dh: String, auth: String) {
            self.endpoint = endpoint
            self.p256dh = p256dh
            self.auth = auth
        }
    }

    public var deviceId: String
    public var kind: Kind
    /// The FCM registration token (iOS, Android).
    public var token: String?
    /// The Push API subscription (Web).
    public var subscription: WebSubscription?
    /// When the device was last registered (its event's time).
    public var lastSeen: Timestamp

    public init(deviceId: String, kind: Kind, token: String?, subscription: WebSubscription?, lastSeen: Timestamp) {
        self.deviceId = deviceId
        self.kind = kind
        self.token = token
        self.subscription = subscription
        self.lastSeen = lastSeen
    }

    /// The token (or a web subscription's endpoint) as it may be shown: its last 6 characters.
    public var maskedToken: String {
        "…" + String(address.suffix(6))
    }

    /// Whether the device was not seen within `expiry` before `now`.
    public func hasExpired(at now: Timestamp, expiry: Duration) -> Bool {
        lastSeen.adding(expiry) < now
    }

    /// How long a device is kept unseen by default.
    public static let defaultExpiry: Duration = .seconds(60 * 86_400)
    /// How long a device id or token may be.
    static let maximumLength = 4096
    /// How many devices a customer keeps (the least recently seen go first).
    public static let maximumPerCustomer = 50

    /// Where pushes to the device go: its token, or its browser's endpoint.
    public var address: String { token ?? subscription?.endpoint ?? "" }
}
