import Logging
import NIOCore
import NIOSSL

/// An SMTP connection and its dialogue: runs what ``SMTPStateMachine`` asks (writes, reads, TLS,
/// the message's data) and reports back what happened. Open, it is greeted, secured and logged in.
struct SMTPSession: Sendable {
    /// The write size of the message's data; each write has the data-block timeout.
    static let dataBlockSize = 64 * 1024

    let connection: SMTPConnection
    private(set) var machine: SMTPStateMachine
    private let tls: SMTPTLSContextCache

    /// Whether the session can carry another message (after RSET): its dialogue is at rest and the
    /// connection open.
    var isReusable: Bool { machine.state == .ready && connection.isActive }

    /// Connects, reads the greeting, says EHLO (HELO when EHLO is refused), starts TLS as the
    /// settings ask and logs in when they hold a user name.
    static func open(
        settings: SMTPSettings,
        tls: SMTPTLSContextCache,
        group: any EventLoopGroup,
        serial: Int,
        logger: Logger
    ) async throws(ProviderError) -> SMTPSession {
        let implicitTLS = settings.security == .implicitTLS ? try await tls.context() : nil
        var machine = SMTPStateMachine(settings: settings)
        // A brand's own server is connected to by an address checked, never by its name again:
        // each allowed address in turn until one answers.
        var addresses: [SocketAddress?] = [nil]
        if settings.addressPolicy != .anyAddress {
            do throws(OutboundAddressResolver.Refusal) {
                addresses = try await OutboundAddressResolver.addresses(
                    host: settings.host,
                    port: settings.port,
                    policy: settings.addressPolicy
                ).map(Optional.some)
            } catch {
                throw error.providerError("SMTP")
            }
        }
        var connection: SMTPConnection?
        var failure: SMTPWireFailure?
        for address in addresses where connection == nil {
            do {
                connection = try await SMTPConnection.connect(
                    host: settings.host,
                    address: address,
                    port: settings.port,
                    tls: implicitTLS,
                    timeout: settings.timeouts.connect,
                    group: group,
                    serial: serial,
                    logger: logger
                )
            } catch {
                failure = error
            }
        }
        guard let connection else {
            throw Self.failure(of: machine.wireFailed(failure ?? .io(ChannelError.connectTimeout(.zero))))
        }
        let first = machine.connected()
        var session = SMTPSession(connection: connection, machine: machine, tls: tls)
        let last = await session.run(first)
        guard case .opened = last else { throw Self.failure(of: last) }
        return session
    }

    /// Sends one message over the open session; afterwards ``isReusable`` says whether it can
    /// carry the next.
    mutating func deliver(_ email: ComposedEmail) async throws(ProviderError) -> SMTPReceipt {
        let last = await run(machine.deliver(email), data: email.bytes)
        guard case .delivered(let receipt) = last else { throw Self.failure(of: last) }
        return receipt
    }

    /// RSET before reusing the session; false when the server no longer takes commands on it (it
    /// closed the connection or answered 421) and a new session is needed.
    mutating func reset() async -> Bool {
        guard connection.isActive else { return false }
        return await run(machine.reset()) == .resetDone(true)
    }

    /// Says QUIT, waits up to `timeout` for its reply, and closes.
    mutating func quit(timeout: Duration) async {
        _ = await run(machine.quit(timeout: timeout))
    }

    /// Runs `action` and those the machine answers with until one ends the exchange (opened,
    /// delivered, reset, failed, closed); QUIT is said after a failure that asks for it.
    private mutating func run(_ action: SMTPStateMachine.Action, data: [UInt8] = []) async -> SMTPStateMachine.Action {
        var action = action
        var failure: ProviderError?
        while true {
            switch action {
            case .send(let commands, let timeout):
                do throws(SMTPWireFailure) {
                    try await connection.send(commands.map(\.line), logAs: commands.map(\.logged), timeout: timeout)
                    action = machine.replyReceived(try await connection.readReply(timeout: timeout))
                } catch {
                    action = machine.wireFailed(error)
                }
            case .awaitReply(let timeout):
                do throws(SMTPWireFailure) {
                    action = machine.replyReceived(try await connection.readReply(timeout: timeout))
                } catch {
                    action = machine.wireFailed(error)
                }
            case .startTLS:
                action = await startTLS()
            case .sendData(let blockTimeout):
                do throws(SMTPWireFailure) {
                    try await write(SMTPDotStuffing.stuff(data), blockTimeout: blockTimeout)
                    action = machine.dataWritten()
                } catch {
                    action = machine.wireFailed(error)
                }
            case .fail(let error, then: .quit):
                failure = error
                action = machine.quit(timeout: .seconds(2))
            case .fail(_, then: .close):
                connection.close()
                return action
            case .close:
                connection.close()
                return failure.map { .fail($0, then: .quit) } ?? .close
            case .opened, .delivered, .resetDone, .fail(_, then: .keepSession):
                return action
            }
        }
    }

    private mutating func startTLS() async -> SMTPStateMachine.Action {
        let context: NIOSSLContext
        do {
            context = try await tls.context()
        } catch {
            return machine.tlsUnavailable(error)
        }
        do throws(SMTPWireFailure) {
            try await connection.startTLS(context: context, host: machine.settings.host)
        } catch {
            return machine.wireFailed(error)
        }
        return machine.tlsEstablished()
    }

    private func write(_ data: [UInt8], blockTimeout: Duration) async throws(SMTPWireFailure) {
        var offset = 0
        while offset < data.count {
            let end = min(offset + Self.dataBlockSize, data.count)
            let block = connection.channel.allocator.buffer(bytes: data[offset..<end])
            try await connection.write(block, timeout: blockTimeout)
            offset = end
        }
    }

    /// The error an exchange ended with.
    private static func failure(of action: SMTPStateMachine.Action) -> ProviderError {
        if case .fail(let error, _) = action { return error }
        return .unavailable("the SMTP dialogue ended unexpectedly")
    }
}

extension SMTPSettings {
    /// `host:port`, as errors name the server.
    var serverName: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
