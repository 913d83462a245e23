/// The server's acceptance of a message: the reply to the final dot.
public struct SMTPReceipt: Sendable, Hashable {
    public var replyCode: Int
    /// The reply as the server wrote it, e.g. `250 2.0.0 Ok: queued as ABC`.
    public var serverReply: String

    public init(replyCode: Int, serverReply: String) {
        self.replyCode = replyCode
        self.serverReply = serverReply
    }
}
