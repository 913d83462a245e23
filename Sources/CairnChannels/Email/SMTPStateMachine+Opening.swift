extension SMTPStateMachine {
    /// 220 → EHLO; anything else ends the session (QUIT).
    mutating func greetingReceived(_ reply: SMTPReply) -> Action {
        guard reply.code == 220 else { return refused(reply, command: "the connection", then: .quit) }
        return hello(command: "EHLO", afterTLS: false)
    }

    /// EHLO's 250 lists the extensions; a 5xx to EHLO is an old server: HELO, without extensions.
    mutating func helloReplied(_ reply: SMTPReply, _ hello: Hello) -> Action {
        switch (hello.command, reply.code) {
        case ("EHLO", 250):
            extensions = SMTPExtensions(ehloReply: reply)
            return helloDone(afterTLS: hello.afterTLS)
        case ("EHLO", 500..<600):
            return self.hello(command: "HELO", afterTLS: hello.afterTLS)
        case ("HELO", 250):
            extensions = SMTPExtensions()
            return helloDone(afterTLS: hello.afterTLS)
        default:
            return refused(reply, command: hello.command, then: .quit)
        }
    }

    /// 220 → start TLS; anything else ends the session.
    mutating func startTLSReplied(_ reply: SMTPReply) -> Action {
        guard reply.code == 220 else { return refused(reply, command: "STARTTLS", then: .quit) }
        state = .tlsHandshake
        return .startTLS
    }

    /// TLS is up: EHLO again (RFC 3207 §4.2: what the server offered before TLS no longer counts).
    mutating func tlsEstablished() -> Action {
        guard state == .tlsHandshake else {
            return fail(.unavailable("\(server): TLS started out of turn in the SMTP dialogue"), then: .close)
        }
        isTLS = true
        return hello(command: "EHLO", afterTLS: true)
    }

    /// The TLS context could not be made (a CA file that cannot be read): QUIT and fail.
    mutating func tlsUnavailable(_ error: ProviderError) -> Action {
        fail(error, then: .quit)
    }

    private mutating func hello(command: String, afterTLS: Bool) -> Action {
        state = .hello(Hello(command: command, afterTLS: afterTLS))
        return .send([SMTPCommand("\(command) \(settings.heloName)")], timeout: timeouts.otherCommands)
    }

    /// STARTTLS when the settings want TLS and the server offers it (refusing when they require
    /// it and it does not); then AUTH when the settings hold a user name.
    private mutating func helloDone(afterTLS: Bool) -> Action {
        if !isTLS && settings.security != .plain {
            if extensions.startTLS {
                state = .startingTLS
                return .send([SMTPCommand("STARTTLS")], timeout: timeouts.otherCommands)
            }
            if settings.security == .startTLSRequired {
                return fail(
                    .misconfigured(
                        "\(server) does not offer STARTTLS, which the settings require (starttls=required)"
                    ),
                    then: .quit
                )
            }
        }
        guard settings.username != nil else {
            state = .ready
            return .opened
        }
        return authenticate()
    }
}
