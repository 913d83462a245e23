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

    /// How long a lookup is waited for; past it, the send fails as transient.
    public static let lookupTimeout: Duration = .seconds(10)

    /// Lookups block a thread each for as long as the name server takes: on threads of their own,
    /// so that a brand whose name server never answers holds these, not the pool NIO and TLS
    /// setup share, and each waited for at most `lookupTimeout`.
    static let lookupThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Every address of `host` the policy allows, in the resolver's order.
    public static func addresses(
        host: String,
        port: Int,
        policy: OutboundAddressPolicy
    ) async throws(Refusal) -> [SocketAddress] {
        try await addresses(host: host, port: port, allows: policy.allows)
    }

    /// Every address of `host` that `allows` lets through; `resolve` looks the name up (a test's
    /// own names), blocking.
    static func addresses(
        host: String,
        port: Int,
        allows: @Sendable (SocketAddress) -> Bool,
        timeout: Duration = lookupTimeout,
        resolve: @escaping @Sendable (String, Int) throws -> [SocketAddress] = {
            try OutboundAddressResolver.resolve(host: $0, port: $1)
        }
    ) async throws(Refusal) -> [SocketAddress] {
        let found: [SocketAddress]
        do {
            found = try await withThrowingTaskGroup(of: [SocketAddress]?.self) { group in
                group.addTask { try await lookupThreads.runIfActive { try resolve(host, port) } }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let addresses = first else {
                    throw ResolutionTimedOut(timeout: timeout)
                }
                return addresses
            }
        } catch {
            throw Refusal(description: "\(host) could not be resolved (\(error))", isTransient: true)
        }
        guard !found.isEmpty else { throw Refusal(description: "\(host) resolves to no address") }
        let allowed = found.filter(allows)
        guard !allowed.isEmpty else {
            // Which address, the server's operator may learn from its own resolver; a brand's
            // admin, who reads this in the message's error, is not told the network's insides.
            throw Refusal(
                description: "\(host) resolves only to loopback, private or link-local addresses; a brand's "
                    + "providers must be on the public internet (the server's --allow-private-urls lets them be)"
            )
        }
        return allowed
    }

    struct ResolutionTimedOut: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "no answer from the name server within \(timeout)" }
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
