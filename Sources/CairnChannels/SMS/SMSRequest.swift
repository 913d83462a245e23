/// One SMS to send.
public struct SMSRequest: Sendable {
    /// The recipient, E.164.
    public var to: String
    /// Overrides the settings' sender when set (same forms as `TwilioSettings.from`).
    public var from: String?
    public var body: String
    /// Where Twilio posts the message's status changes (`POST /webhooks/twilio/{messageId}`).
    public var statusCallback: String?

    public init(to: String, from: String? = nil, body: String, statusCallback: String? = nil) {
        self.to = to
        self.from = from
        self.body = body
        self.statusCallback = statusCallback
    }
}

/// Twilio's answer to an accepted message.
public struct SMSReceipt: Sendable, Hashable {
    /// The message SID (`SM…`): the provider message id; nil when Twilio took the message (2xx)
    /// with an answer that names none.
    public var sid: String?
    /// The status as Twilio answered it: "queued", or "accepted" through a messaging service.
    public var status: String

    public init(sid: String?, status: String) {
        self.sid = sid
        self.status = status
    }
}
