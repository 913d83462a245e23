import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection to an SMTP server: commands written, replies read with deadlines,
/// each logged at debug level as a transcript (`C:` and `S:` lines; secrets given as `***`).
final class SMTPConnection: Sendable {
    let channel: any Channel
    /// A number per connection the client opened, for the transcript.
    let serial: Int
    private let handler: NIOLoopBound<SMTPReplyHandler>
    private let logger: Logger

    private init(channel: any Channel, handler: NIOLoopBound<SMTPReplyHandler>, serial: Int, logger: Logger) {
        self.channel = channel
        self.handler = handler
        self.serial = serial
        self.logger = logger
    }

    /// Opens a connection, with TLS from the first byte when `tls` is given: to `address` when
    /// given (`host` then names the server for TLS only), else to what `host` resolves to.
    static func connect(
        host: String,
        address: SocketAddress? = nil,
        port: Int,
        tls: NIOSSLContext?,
        timeout: Duration,
        group: any EventLoopGroup,
        serial: Int,
        logger: Logger
    ) async throws(SMTPWireFailure) -> SMTPConnection {
        guard let bootstrap = ClientBootstrap(validatingGroup: group) else {
            throw .io(ChannelError.operationUnsupported)
        }
        let serverHostname = tlsServerName(host)
        var logger = logger
        logger[metadataKey: "smtp.connection"] = "\(serial)"
        do {
            let configured = bootstrap.connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls {
                            try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                        }
                        try pipeline.addHandler(SMTPReplyHandler(eventLoop: channel.eventLoop))
                    }
                }
            let channel =
                if let address {
                    try await configured.connect(to: address).get()
                } else {
                    try await configured.connect(host: host, port: port).get()
                }
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self),
                    eventLoop: channel.eventLoop
                )
            }.get()
            logger.debug("connected to \(host):\(port)\(tls == nil ? "" : " (TLS)")")
            return SMTPConnection(channel: channel, handler: handler, serial: serial, logger: logger)
        } catch {
            throw SMTPWireFailure.classify(error)
        }
    }

    /// The name for SNI and certificate checks: nil for an IP address (then the certificate must
    /// name the address, which NIOSSL checks against the peer's).
    static func tlsServerName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    var isActive: Bool { channel.isActive }

    /// Writes the command lines in one write (one line, or a pipelined group), each logged as
    /// itself or as `logAs`.
    func send(_ lines: [String], logAs: [String]? = nil, timeout: Duration) async throws(SMTPWireFailure) {
        for (index, line) in lines.enumerated() {
            logger.debug("C: \(logAs?[index] ?? line)")
        }
        var buffer = channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 2 })
        for line in lines {
            buffer.writeString(line)
            buffer.writeStaticString("\r\n")
        }
        try await write(buffer, timeout: timeout)
    }

    func send(_ line: String, logAs: String? = nil, timeout: Duration) async throws(SMTPWireFailure) {
        try await send([line], logAs: logAs.map { [$0] }, timeout: timeout)
    }

    /// Writes `buffer`, failing with ``SMTPWireFailure/timedOut`` (and closing) when the server
    /// does not take it within `timeout`.
    func write(_ buffer: ByteBuffer, timeout: Duration) async throws(SMTPWireFailure) {
        let handler = self.handler
        let channel = self.channel
        let written = channel.eventLoop.flatSubmit {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            let deadline = channel.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                handler.value.fail(.timedOut)
            }
            promise.futureResult.assumeIsolated().whenComplete { _ in deadline.cancel() }
            channel.writeAndFlush(buffer, promise: promise)
            return promise.futureResult
        }
        do {
            try await written.get()
        } catch {
            throw await recordedFailure(or: error)
        }
    }

    /// The next reply from the server, within `timeout`.
    func readReply(timeout: Duration) async throws(SMTPWireFailure) -> SMTPReply {
        let handler = self.handler
        let reply: SMTPReply
        do {
            reply = try await channel.eventLoop.flatSubmit { handler.value.nextReply(timeout: TimeAmount(timeout)) }
                .get()
        } catch {
            logger.debug("S: (no reply: \(SMTPWireFailure.classify(error)))")
            throw SMTPWireFailure.classify(error)
        }
        for (index, line) in reply.lines.enumerated() {
            let separator = index == reply.lines.count - 1 ? " " : "-"
            logger.debug("S: \(reply.code)\(separator)\(line)")
        }
        return reply
    }

    /// Starts TLS after the server's 220 to STARTTLS. Refuses when the server sent anything more
    /// before TLS (bytes that would otherwise be read as replies inside the TLS session).
    func startTLS(context: NIOSSLContext, host: String) async throws(SMTPWireFailure) {
        let handler = self.handler
        let channel = self.channel
        let serverHostname = Self.tlsServerName(host)
        do {
            try await channel.eventLoop.submit {
                guard !handler.value.hasUnreadInput else { throw SMTPWireFailure.injectedPlaintext }
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            close()
            throw SMTPWireFailure.classify(error)
        }
        logger.debug("TLS started")
    }

    func close() {
        channel.close(promise: nil)
    }

    /// The failure the handler recorded (a timeout, the server's close, a TLS error), which is
    /// what a failed write really means; else the write's own error.
    private func recordedFailure(or error: any Error) async -> SMTPWireFailure {
        let handler = self.handler
        let recorded = try? await channel.eventLoop.submit { handler.value.failure }.get()
        return recorded ?? SMTPWireFailure.classify(error)
    }
}
