extension ProviderError {
    /// The error for a negative or unexpected `reply` to `command`: 4xx transient, 5xx permanent,
    /// anything else (a reply out of protocol) transient.
    init(reply: SMTPReply, command: String, server: String) {
        self.init(
            code: .rejected,
            kind: reply.code >= 500 && reply.code < 600 ? .permanent : .transient,
            message: "\(server) answered \(command) with \(reply.text)",
            replyCode: reply.code,
            enhancedCode: reply.enhancedCode
        )
    }
}
