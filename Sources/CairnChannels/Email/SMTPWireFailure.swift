import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// What went wrong on the wire: thrown by the connection, then judged by ``SMTPStateMachine`` by the
/// step it happened in (``SMTPStateMachine/wireFailed(_:)``). Never leaves the module.
enum SMTPWireFailure: Error {
    /// No reply (or no progress writing) within the step's timeout.
    case timedOut
    /// The server closed the connection.
    case closed
    /// The server's bytes were not SMTP replies.
    case malformed(String)
    /// The TLS handshake or the certificate's verification failed.
    case tls(any Error)
    /// Connecting, reading or writing failed.
    case io(any Error)
    /// Bytes arrived after the server's 220 to STARTTLS and before TLS began (a command injection).
    case injectedPlaintext

    /// The failure an error seen by the channel stands for.
    static func classify(_ error: any Error) -> SMTPWireFailure {
        if let failure = error as? SMTPWireFailure { return failure }
        if let sslError = error as? NIOSSLError {
            if case .uncleanShutdown = sslError { return .closed }
            return .tls(sslError)
        }
        if error is NIOSSLExtraError || error is BoringSSLError { return .tls(error) }
        if let channelError = error as? ChannelError, channelError == .eof || channelError == .ioOnClosedChannel {
            return .closed
        }
        return .io(error)
    }

    /// Whether this is the server's certificate failing verification (its chain or its name).
    var isCertificateFailure: Bool {
        guard case .tls(let error) = self else { return false }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname { return true }
        if let sslError = error as? NIOSSLError, sslError == .unableToValidateCertificate { return true }
        let text = String(describing: error)
        return text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed")
    }

    /// The error for the sender (a certificate or an injection is `misconfigured`, the rest
    /// `unavailable`): judged by `step` (e.g. "the reply to RCPT TO") and by whether the
    /// final dot had been sent (then the outcome is unknown, whatever broke).
    func error(server: String, during step: String, afterFinalDot: Bool = false) -> ProviderError {
        let message: String
        var kind: ProviderError.Kind = .transient
        switch self {
        case .timedOut:
            message = "\(server) did not answer in time (\(step))"
        case .closed:
            message = "\(server) closed the connection (\(step))"
        case .malformed(let line):
            message = "\(server) sent something that is not an SMTP reply (\(step)): \(line)"
        case .tls(let error):
            if isCertificateFailure {
                kind = .permanent
                message = "the TLS certificate of \(server) could not be verified (\(step)): \(error)"
            } else {
                message = "TLS with \(server) failed (\(step)): \(error)"
            }
        case .io(let error):
            message = "the connection to \(server) failed (\(step)): \(Self.describe(error))"
        case .injectedPlaintext:
            kind = .permanent
            message = "the server sent data after agreeing to STARTTLS; refusing to continue (\(server))"
        }
        guard kind != .permanent else { return .misconfigured(message) }
        return .unavailable(message, kind: afterFinalDot ? .unknownOutcome : .transient)
    }

    /// A transport error in words: what NIO's connection errors say in full (each address tried
    /// and why it failed, or the name that did not resolve), an I/O error by its system message.
    static func describe(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let dns = connection.dnsAError ?? connection.dnsAAAAError {
                return "the name \(connection.host) could not be resolved (\(describe(dns)))"
            }
            let tries = connection.connectionErrors.map { "\(address($0.target)): \(describe($0.error))" }
            return tries.isEmpty ? "no address of \(connection.host) could be tried" : tries.joined(separator: "; ")
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return String(describing: error)
    }

    /// An address as `host:port` (`[v6]:port`).
    private static func address(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
