import Logging
import NIOCore
import NIOSSL

/// An open, greeted (and, as configured, secured and logged-in) SMTP session, ready for messages.
struct SMTPSession: Sendable {
    let connection: SMTPConnection
    let settings: SMTPSettings
    var extensions: SMTPExtensions
    var isTLS: Bool
    /// Whether a transaction ran (or failed) on this session since it was opened or reset.
    var needsReset = false

    /// `host:port`, for the sentences of errors.
    var server: String { settings.serverName }

    /// Connects, reads the greeting, says EHLO (HELO when EHLO is refused), starts TLS as the
    /// settings ask and logs in when they hold a user name.
    static func open(
        settings: SMTPSettings,
        tls: SMTPTLSContextCache,
        group: any EventLoopGroup,
        serial: Int,
        logger: Logger
    ) async throws(SMTPError) -> SMTPSession {
        let server = settings.serverName
        let implicitTLS = settings.security == .implicitTLS ? try await tls.context() : nil
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(
                host: settings.host,
                port: settings.port,
                tls: implicitTLS,
                timeout: settings.timeouts.connect,
                group: group,
                serial: serial,
                logger: logger
            )
        } catch {
            throw error.error(server: server, during: "connecting")
        }
        var step = "waiting for the greeting"
        do {
            let greeting = try await connection.readReply(timeout: settings.timeouts.greeting)
            guard greeting.code == 220 else {
                throw SMTPError(reply: greeting, command: "the connection", server: server)
            }
            step = "EHLO"
            var extensions = try await hello(connection, settings: settings)
            var isTLS = implicitTLS != nil
            if !isTLS && settings.security != .plain {
                if extensions.startTLS {
                    step = "STARTTLS"
                    try await connection.send("STARTTLS", timeout: settings.timeouts.otherCommands)
                    let reply = try await connection.readReply(timeout: settings.timeouts.otherCommands)
                    guard reply.code == 220 else { throw SMTPError(reply: reply, command: "STARTTLS", server: server) }
                    try await connection.startTLS(context: try await tls.context(), host: settings.host)
                    isTLS = true
                    step = "EHLO after STARTTLS"
                    extensions = try await hello(connection, settings: settings)
                } else if settings.security == .startTLSRequired {
                    throw SMTPError(
                        kind: .permanent,
                        message: "\(server) does not offer STARTTLS, which the settings require (starttls=required)"
                    )
                }
            }
            var session = SMTPSession(connection: connection, settings: settings, extensions: extensions, isTLS: isTLS)
            if settings.username != nil {
                step = "AUTH"
                try await session.authenticate()
            }
            return session
        } catch let error as SMTPError {
            await connection.quit(timeout: .seconds(2))
            throw error
        } catch {
            connection.close()
            throw SMTPWireFailure.classify(error).error(server: server, during: step)
        }
    }

    /// EHLO, or HELO when the server refuses EHLO with a 5xx (an old server: no extensions).
    private static func hello(_ connection: SMTPConnection, settings: SMTPSettings) async throws -> SMTPExtensions {
        let timeout = settings.timeouts.otherCommands
        try await connection.send("EHLO \(settings.heloName)", timeout: timeout)
        let reply = try await connection.readReply(timeout: timeout)
        if reply.code == 250 { return SMTPExtensions(ehloReply: reply) }
        guard (500..<600).contains(reply.code) else {
            throw SMTPError(reply: reply, command: "EHLO", server: settings.serverName)
        }
        try await connection.send("HELO \(settings.heloName)", timeout: timeout)
        let heloReply = try await connection.readReply(timeout: timeout)
        guard heloReply.code == 250 else {
            throw SMTPError(reply: heloReply, command: "HELO", server: settings.serverName)
        }
        return SMTPExtensions()
    }

    /// RSET before reusing the session; false when the server no longer takes commands on it (it
    /// closed the connection or answered 421) and a new session is needed.
    mutating func reset() async -> Bool {
        guard connection.isActive else { return false }
        guard needsReset else { return true }
        do {
            try await connection.send("RSET", timeout: settings.timeouts.otherCommands)
            let reply = try await connection.readReply(timeout: settings.timeouts.otherCommands)
            guard reply.code == 250 else { return false }
            needsReset = false
            return true
        } catch {
            return false
        }
    }
}

extension SMTPSettings {
    /// `host:port`, as errors name the server.
    var serverName: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
