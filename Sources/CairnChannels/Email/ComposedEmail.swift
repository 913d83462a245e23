/// A message ready for SMTP: its RFC 5322 bytes (CRLF line ends, not dot-stuffed) and its envelope.
public struct ComposedEmail: Sendable {
    public var bytes: [UInt8]
    /// True when an address is not ASCII: the server must then offer SMTPUTF8.
    public var needsSMTPUTF8: Bool
    /// The `MAIL FROM` address.
    public var envelopeFrom: String
    /// The `RCPT TO` addresses.
    public var recipients: [String]

    public init(bytes: [UInt8], needsSMTPUTF8: Bool, envelopeFrom: String, recipients: [String]) {
        self.bytes = bytes
        self.needsSMTPUTF8 = needsSMTPUTF8
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
    }
}
