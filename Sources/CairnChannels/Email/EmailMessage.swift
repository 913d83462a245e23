public import Foundation

/// One email to compose: who it is from and to, its subject, a text and/or an HTML body.
public struct EmailMessage: Sendable {
    public var from: EmailAddress
    public var to: EmailAddress
    public var replyTo: EmailAddress?
    public var subject: String
    public var text: String?
    public var html: String?
    /// The message's own id (e.g. a UUID); the `Message-ID` header is `<messageId@domain of from>`.
    public var messageId: String
    public var date: Date
    /// Further headers such as `List-Unsubscribe`, written after the standard ones (folded here).
    /// Names of headers this composer writes itself (From, Subject, Content-Type, …) are ignored.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: EmailAddress,
        to: EmailAddress,
        replyTo: EmailAddress? = nil,
        subject: String,
        text: String?,
        html: String?,
        messageId: String,
        date: Date,
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageId = messageId
        self.date = date
        self.extraHeaders = extraHeaders
    }
}
