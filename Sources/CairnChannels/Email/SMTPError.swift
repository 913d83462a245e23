/// Why a message was not delivered, and whether trying again can help.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Try again later: a 4xx reply, a connection refused, lost or timed out before the final dot.
        case transient
        /// Trying again will not help: a 5xx reply, a configuration or certificate problem.
        case permanent
        /// The final dot was sent but no reply came: the server may or may not have taken the message.
        case unknownOutcome
    }

    public var kind: Kind
    public var replyCode: Int?
    /// The RFC 3463 enhanced status code of the reply, e.g. "5.1.1".
    public var enhancedCode: String?
    /// A human sentence with the server's own text, never credentials.
    public var message: String

    public init(kind: Kind, replyCode: Int? = nil, enhancedCode: String? = nil, message: String) {
        self.kind = kind
        self.replyCode = replyCode
        self.enhancedCode = enhancedCode
        self.message = message
    }

    public var description: String {
        let kindName: String
        switch kind {
        case .transient: kindName = "transient"
        case .permanent: kindName = "permanent"
        case .unknownOutcome: kindName = "unknown outcome"
        }
        return "SMTP \(kindName) failure: \(message)"
    }

    /// The error for a negative or unexpected `reply` to `command`: 4xx transient, 5xx permanent,
    /// anything else (a reply out of protocol) transient.
    init(reply: SMTPReply, command: String, server: String) {
        let kind: Kind = reply.code >= 500 && reply.code < 600 ? .permanent : .transient
        self.init(
            kind: kind,
            replyCode: reply.code,
            enhancedCode: reply.enhancedCode,
            message: "\(server) answered \(command) with \(reply.text)"
        )
    }
}
