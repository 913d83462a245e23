/// One command line and how the transcript shows it (a secret as `***`). Printed, it shows only
/// what the transcript does, so no state, action or failed expectation can print a password.
struct SMTPCommand: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    var line: String
    var logged: String

    init(_ line: String, loggedAs logged: String? = nil) {
        self.line = line
        self.logged = logged ?? line
    }

    var description: String { logged }
    var debugDescription: String { logged }
}

extension SMTPStateMachine {
    /// What the connection should do next. The machine says; ``SMTPSession`` does it and reports
    /// back with an event.
    enum Action: Sendable, Hashable {
        /// Write the commands in one write (several when pipelining), then read the next reply;
        /// each within `timeout`. Then ``SMTPStateMachine/replyReceived(_:)``.
        case send([SMTPCommand], timeout: Duration)
        /// Read the next reply within `timeout` (the greeting, the rest of a pipelined group, the
        /// reply to the final dot). Then ``SMTPStateMachine/replyReceived(_:)``.
        case awaitReply(timeout: Duration)
        /// Start TLS on the connection (after the server's 220 to STARTTLS). Then
        /// ``SMTPStateMachine/tlsEstablished()``.
        case startTLS
        /// Write the dot-stuffed message and its final dot, each block within `blockTimeout`. Then
        /// ``SMTPStateMachine/dataWritten()``.
        case sendData(blockTimeout: Duration)
        /// The session is greeted, secured and logged in as configured: ready for messages.
        case opened
        /// The server took the message.
        case delivered(SMTPReceipt)
        /// RSET's answer: whether the session can carry the next message.
        case resetDone(Bool)
        /// The dialogue failed with `error`; `then` says what becomes of the connection.
        case fail(ProviderError, then: AfterFailure)
        /// Close the connection (after QUIT).
        case close
    }

    /// What becomes of the connection after a failure.
    enum AfterFailure: Sendable, Hashable {
        /// It stays open and, after RSET, carries the next message.
        case keepSession
        /// Say QUIT, then close.
        case quit
        /// Close it at once.
        case close
    }
}
