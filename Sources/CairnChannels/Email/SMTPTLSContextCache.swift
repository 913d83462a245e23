import NIOPosix
import NIOSSL
import Synchronization

/// The TLS client context for one provider (system roots plus the `ca` file), made once, on
/// NIO's thread pool because it reads files.
final class SMTPTLSContextCache: Sendable {
    private let caPath: String?
    private let cached = Mutex<NIOSSLContext?>(nil)

    init(caPath: String?) {
        self.caPath = caPath
    }

    func context() async throws(ProviderError) -> NIOSSLContext {
        if let context = cached.withLock({ $0 }) { return context }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caPath { configuration.additionalTrustRoots = [.file(caPath)] }
        let made: NIOSSLContext
        let finalConfiguration = configuration
        do {
            made = try await NIOThreadPool.singleton.runIfActive {
                try NIOSSLContext(configuration: finalConfiguration)
            }
        } catch {
            let what =
                caPath.map { "the CA file \($0) could not be read as PEM certificates" } ?? "TLS could not be set up"
            throw ProviderError.misconfigured("\(what): \(error)")
        }
        return cached.withLock { context in
            if let context { return context }
            context = made
            return made
        }
    }
}
