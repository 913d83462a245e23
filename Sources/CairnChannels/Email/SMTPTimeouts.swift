/// How long to wait for each step of an SMTP session; the defaults are RFC 5321 §4.5.3.2's.
public struct SMTPTimeouts: Sendable, Hashable {
    /// Opening the TCP connection.
    public var connect: Duration
    /// The server's 220 greeting (with implicit TLS, the handshake too).
    public var greeting: Duration
    public var mailFrom: Duration
    public var rcptTo: Duration
    /// The 354 reply to DATA.
    public var dataInitiation: Duration
    /// Each block of the message written to the server.
    public var dataBlock: Duration
    /// The reply to the final dot; past it the message's fate is unknown.
    public var dataTermination: Duration
    /// EHLO, STARTTLS, AUTH, RSET, QUIT.
    public var otherCommands: Duration

    public init(
        connect: Duration = .seconds(30),
        greeting: Duration = .seconds(5 * 60),
        mailFrom: Duration = .seconds(5 * 60),
        rcptTo: Duration = .seconds(5 * 60),
        dataInitiation: Duration = .seconds(2 * 60),
        dataBlock: Duration = .seconds(3 * 60),
        dataTermination: Duration = .seconds(10 * 60),
        otherCommands: Duration = .seconds(5 * 60)
    ) {
        self.connect = connect
        self.greeting = greeting
        self.mailFrom = mailFrom
        self.rcptTo = rcptTo
        self.dataInitiation = dataInitiation
        self.dataBlock = dataBlock
        self.dataTermination = dataTermination
        self.otherCommands = otherCommands
    }
}
