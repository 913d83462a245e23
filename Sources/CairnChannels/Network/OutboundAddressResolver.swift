public import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the address a provider connection is to be made to, under a policy: every address the
/// name resolves to is looked at, and the connection goes to the first one the policy allows,
/// by address, so that the name cannot resolve to another between the check and the connect
/// (DNS rebinding).
public enum OutboundAddressResolver {
    /// Why no address could be used: the name did not resolve, or only to addresses the policy refuses.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// The name did not resolve now (worth trying again), rather than to a refused address.
        public var isTransient = false

        /// As a provider's error: a refused address cannot work; a failed lookup may next time.
        func providerError(_ provider: String) -> ProviderError {
            isTransient
                ? .unavailable("\(provider): \(description)") : .misconfigured("\(provider): \(description)")
        }
    }

    public static func address(
        host: String,
        port: Int,
        policy: OutboundAddressPolicy
    ) async throws(Refusal) -> SocketAddress {
        try await address(host: host, port: port, allows: policy.allows)
    }

    /// The first address of `host` that `allows` lets through.
    static func address(
        host: String,
        port: Int,
        allows: @Sendable (SocketAddress) -> Bool
    ) async throws(Refusal) -> SocketAddress {
        let addresses: [SocketAddress]
        do {
            addresses = try await NIOThreadPool.singleton.runIfActive { try resolve(host: host, port: port) }
        } catch {
            throw Refusal(description: "\(host) could not be resolved (\(error))", isTransient: true)
        }
        guard let first = addresses.first else { throw Refusal(description: "\(host) resolves to no address") }
        guard let allowed = addresses.first(where: allows) else {
            throw Refusal(
                description: "\(host) resolves to \(first.ipAddress ?? "\(first)"), a loopback, private or link-local "
                    + "address; a brand's providers must be on the public internet (the server's "
                    + "--allow-private-urls lets them be)"
            )
        }
        return allowed
    }

    struct ResolutionFailed: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: gai_strerror(code)) }
    }

    /// Every TCP address of `host` (an IP address is itself), in getaddrinfo's order. Blocks.
    static func resolve(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0 else { throw ResolutionFailed(code: code) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let info = entry?.pointee {
            defer { entry = info.ai_next }
            guard let pointer = info.ai_addr else { continue }
            switch info.ai_family {
            case AF_INET:
                let address = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                addresses.append(SocketAddress(address, host: host))
            case AF_INET6:
                let address = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                addresses.append(SocketAddress(address, host: host))
            default:
                continue
            }
        }
        return addresses
    }
}
