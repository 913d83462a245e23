public import Logging
public import NIOCore
public import NIOPosix

/// A pool of reusable SMTP sessions to one provider: at most `settings.maxConnections` open,
/// RSET between messages, and a new session (not a failure) when the server closed an idle one.
public final class SMTPClient: Sendable {
    public let settings: SMTPSettings
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let pool: SMTPSessionPool<SMTPSession>
    private let tls: SMTPTLSContextCache

    public init(
        settings: SMTPSettings,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(settings.serverName)"
        self.logger = logger
        self.pool = SMTPSessionPool<SMTPSession>(limit: settings.maxConnections)
        self.tls = SMTPTLSContextCache(caPath: settings.caPath)
    }

    /// Sends one message over a pooled session (opening one when none is idle and the cap allows).
    public func send(_ email: ComposedEmail) async throws(ProviderError) -> SMTPReceipt {
        while true {
            var session: SMTPSession
            switch try await pool.acquire() {
            case .idle(let idle):
                session = idle
                guard await session.reset() else {
                    // The server let the idle session go (421, EOF): not a failure of this message.
                    logger.debug(
                        "idle SMTP session \(session.connection.serial) was closed by the server; reconnecting"
                    )
                    session.connection.close()
                    pool.discard()
                    continue
                }
            case .open(let serial):
                do {
                    session = try await SMTPSession.open(
                        settings: settings,
                        tls: tls,
                        group: eventLoopGroup,
                        serial: serial,
                        logger: logger
                    )
                } catch {
                    pool.discard()
                    throw error
                }
            }
            do {
                let receipt = try await session.deliver(email)
                pool.release(session)
                return receipt
            } catch {
                if session.isReusable {
                    pool.release(session)
                } else {
                    session.connection.close()
                    pool.discard()
                }
                throw error
            }
        }
    }

    /// Says QUIT on the idle sessions and closes them; sends after this fail (transient).
    public func shutdown() async {
        let idle = pool.shutDown()
        await withTaskGroup(of: Void.self) { group in
            for session in idle {
                group.addTask {
                    var session = session
                    await session.quit(timeout: .seconds(5))
                }
            }
        }
    }
}
