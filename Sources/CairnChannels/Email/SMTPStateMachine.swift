/// The SMTP dialogue of one connection (RFC 5321, with STARTTLS, AUTH and PIPELINING) as a value:
/// events go in (connected, a reply, TLS up, the data written, a failure on the wire) and each
/// answers with the ``Action`` to take next. No I/O: ``SMTPSession`` runs the actions.
struct SMTPStateMachine: Sendable {
    enum State: Sendable, Hashable {
        /// The TCP (or TLS) connection is being opened.
        case connecting
        /// Waiting for the server's 220.
        case greeting
        /// Waiting for the reply to EHLO (or HELO), before or after STARTTLS.
        case hello(Hello)
        /// Waiting for the reply to STARTTLS.
        case startingTLS
        /// The TLS handshake is under way.
        case tlsHandshake
        /// AUTH sent; what to answer a 334 with is queued.
        case authenticating(Authentication)
        /// Open and idle: a message can start.
        case ready
        /// MAIL, RCPT and DATA sent (all at once when pipelining), their replies awaited in order.
        case transaction(Transaction)
        /// The message is being written.
        case writingData
        /// The final dot is written: waiting for the server's verdict.
        case awaitingFinalReply
        /// RSET sent.
        case resetting
        /// QUIT sent.
        case quitting
        /// The dialogue is over; the connection is (being) closed.
        case closed
    }

    struct Hello: Sendable, Hashable {
        /// "EHLO", or "HELO" after the server refused EHLO.
        var command: String
        var afterTLS: Bool
    }

    let settings: SMTPSettings
    // The properties below are changed by the events only (in this file and its extensions).
    var state: State = .connecting
    /// What the server offered in its last reply to EHLO (none after HELO).
    var extensions = SMTPExtensions()
    var isTLS: Bool
    /// Whether a transaction ran (or failed) since the session opened or was reset.
    var needsReset = false

    init(settings: SMTPSettings) {
        self.settings = settings
        self.isTLS = settings.security == .implicitTLS
    }

    /// `host:port`, as errors name the server.
    var server: String { settings.serverName }
    var timeouts: SMTPTimeouts { settings.timeouts }

    /// The connection is open (with TLS from the first byte when the settings ask): wait for 220.
    mutating func connected() -> Action {
        guard state == .connecting else { return outOfTurn("connected") }
        state = .greeting
        return .awaitReply(timeout: timeouts.greeting)
    }

    /// The next reply of the server, in the order of the commands.
    mutating func replyReceived(_ reply: SMTPReply) -> Action {
        switch state {
        case .greeting: return greetingReceived(reply)
        case .hello(let hello): return helloReplied(reply, hello)
        case .startingTLS: return startTLSReplied(reply)
        case .authenticating(let authentication): return authReplied(reply, authentication)
        case .transaction(let transaction): return transactionReplied(reply, transaction)
        case .awaitingFinalReply: return finalReplyReceived(reply)
        case .resetting:
            guard reply.code == 250 else {
                state = .closed
                return .resetDone(false)
            }
            needsReset = false
            state = .ready
            return .resetDone(true)
        case .quitting:
            state = .closed
            return .close
        case .connecting, .tlsHandshake, .ready, .writingData, .closed:
            return outOfTurn("the reply \(reply.text)")
        }
    }

    /// The connection failed (a timeout, the server's close, TLS, I/O): judged by the step it
    /// happened in; once the final dot is written, the message's fate is unknown.
    mutating func wireFailed(_ failure: SMTPWireFailure) -> Action {
        let step: String
        switch state {
        case .connecting: step = "connecting"
        case .greeting: step = "waiting for the greeting"
        case .hello(let hello): step = hello.afterTLS ? "EHLO after STARTTLS" : "EHLO"
        case .startingTLS, .tlsHandshake: step = "STARTTLS"
        case .authenticating: step = "AUTH"
        case .ready: step = "waiting for a message"
        case .transaction: step = "MAIL FROM"
        case .writingData: step = "the message's data"
        case .awaitingFinalReply: step = "the reply to the final dot"
        case .resetting:
            state = .closed
            return .resetDone(false)
        case .quitting, .closed:
            state = .closed
            return .close
        }
        let afterFinalDot = state == .awaitingFinalReply
        return fail(failure.error(server: server, during: step, afterFinalDot: afterFinalDot), then: .close)
    }

    /// Says QUIT (from any state), then closes whatever the answer.
    mutating func quit(timeout: Duration) -> Action {
        state = .quitting
        return .send([SMTPCommand("QUIT")], timeout: timeout)
    }

    /// RSET before reusing the session, when a transaction ran on it.
    mutating func reset() -> Action {
        guard state == .ready else { return .resetDone(false) }
        guard needsReset else { return .resetDone(true) }
        state = .resetting
        return .send([SMTPCommand("RSET")], timeout: timeouts.otherCommands)
    }

    /// Ends the dialogue with `error`: the state is `.ready` again when the session is kept.
    mutating func fail(_ error: ProviderError, then after: AfterFailure) -> Action {
        state = after == .keepSession ? .ready : .closed
        return .fail(error, then: after)
    }

    /// The failure for the negative `reply` to `command`; a session whose server said 421 (closing)
    /// is not kept.
    mutating func refused(_ reply: SMTPReply, command: String, then after: AfterFailure) -> Action {
        fail(ProviderError(reply: reply, command: command, server: server), then: after)
    }

    /// An event the dialogue did not expect now: a bug of the caller or a server out of protocol.
    private mutating func outOfTurn(_ event: String) -> Action {
        fail(.unavailable("\(server): \(event) came out of turn in the SMTP dialogue"), then: .close)
    }
}
