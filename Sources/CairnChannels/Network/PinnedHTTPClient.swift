import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// An HTTP client for one provider whose addresses a policy limits: requests go to the address
/// that was checked (AsyncHTTPClient's `dnsOverride`, so TLS still names the host), never to a
/// name resolved again between the check and the connect. The name is checked afresh at most
/// every `recheck`; when it moves to another allowed address, a new client connects there and
/// the old one is shut down once its requests can have ended. Redirects are not followed.
final class PinnedHTTPClient: Sendable {
    private struct Pin {
        var host: String
        var address: String
        var client: HTTPClient
        var checkedAt: ContinuousClock.Instant
    }

    private struct State {
        var pin: Pin?
        /// Clients replaced, kept for the requests they still have.
        var replaced: [HTTPClient] = []
        var closed = false
    }

    private let allows: @Sendable (SocketAddress) -> Bool
    private let resolve: @Sendable (String, Int) throws -> [SocketAddress]
    private let recheck: Duration
    /// How long a replaced client is kept for the requests it still has.
    private let grace: Duration
    private let state = Mutex(State())

    convenience init(policy: OutboundAddressPolicy, recheck: Duration = .seconds(60), grace: Duration) {
        self.init(allows: policy.allows, recheck: recheck, grace: grace)
    }

    /// With `allows` judging each address and `resolve` looking names up (a test's own).
    init(
        allows: @escaping @Sendable (SocketAddress) -> Bool,
        resolve: @escaping @Sendable (String, Int) throws -> [SocketAddress] = {
            try OutboundAddressResolver.resolve(host: $0, port: $1)
        },
        recheck: Duration = .seconds(60),
        grace: Duration
    ) {
        self.allows = allows
        self.resolve = resolve
        self.recheck = recheck
        self.grace = grace
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "the provider's client was shut down" }
    }

    /// The client to send a request for `url` with, its address checked.
    func client(for url: String) async throws(OutboundAddressResolver.Refusal) -> HTTPClient {
        guard let parsed = URL(string: url), var host = parsed.host, !host.isEmpty else {
            throw OutboundAddressResolver.Refusal(description: "\(url) names no host")
        }
        // An IPv6 address as AsyncHTTPClient keys it (and getaddrinfo reads it): without brackets.
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = parsed.port ?? (parsed.scheme?.lowercased() == "https" ? 443 : 80)
        let now = ContinuousClock.now
        if let current = state.withLock({ $0.pin }), current.host == host, now - current.checkedAt < recheck {
            return current.client
        }
        let addresses = try await OutboundAddressResolver.addresses(
            host: host,
            port: port,
            allows: allows,
            resolve: resolve
        )
        guard let ip = addresses.first?.ipAddress else {
            throw OutboundAddressResolver.Refusal(description: "\(host) resolves to no IP address")
        }
        let (client, old): (HTTPClient?, HTTPClient?) = state.withLock { state in
            guard !state.closed else { return (nil, nil) }
            if let current = state.pin, current.host == host, current.address == ip {
                state.pin?.checkedAt = now
                return (current.client, nil)
            }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            configuration.dnsOverride = [host: ip]
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            let old = state.pin?.client
            if let old { state.replaced.append(old) }
            state.pin = Pin(host: host, address: ip, client: client, checkedAt: now)
            return (client, old)
        }
        guard let client else { throw OutboundAddressResolver.Refusal(description: "\(Closed())", isTransient: true) }
        if let old { retire(old) }
        return client
    }

    /// Shuts `client` down once its requests can have ended (unless `shutdown` does first).
    private func retire(_ client: HTTPClient) {
        let grace = self.grace
        Task {
            try? await Task.sleep(for: grace)
            let mine = self.state.withLock { state in
                state.replaced.firstIndex { $0 === client }.map { state.replaced.remove(at: $0) }
            }
            if let mine { try? await mine.shutdown() }
        }
    }

    /// Shuts every client down; requests still running fail, and no client is made after.
    func shutdown() async {
        let clients = state.withLock { state in
            state.closed = true
            defer {
                state.replaced.removeAll()
                state.pin = nil
            }
            return state.replaced + (state.pin.map { [$0.client] } ?? [])
        }
        for client in clients { try? await client.shutdown() }
    }
}
