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

    private let allows: @Sendable (SocketAddress) -> Bool
    private let recheck: Duration
    /// How long a replaced client is kept for the requests it still has.
    private let grace: Duration
    private let pin = Mutex<Pin?>(nil)
    private let replaced = Mutex<[HTTPClient]>([])

    convenience init(policy: OutboundAddressPolicy, recheck: Duration = .seconds(60), grace: Duration) {
        self.init(allows: policy.allows, recheck: recheck, grace: grace)
    }

    /// With `allows` judging each address (a test's, to reach its loopback peer by name).
    init(allows: @escaping @Sendable (SocketAddress) -> Bool, recheck: Duration = .seconds(60), grace: Duration) {
        self.allows = allows
        self.recheck = recheck
        self.grace = grace
    }

    /// The client to send a request for `url` with, its address checked.
    func client(for url: String) async throws(OutboundAddressResolver.Refusal) -> HTTPClient {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else {
            throw OutboundAddressResolver.Refusal(description: "\(url) names no host")
        }
        let port = parsed.port ?? (parsed.scheme?.lowercased() == "https" ? 443 : 80)
        let now = ContinuousClock.now
        if let current = pin.withLock({ $0 }), current.host == host, now - current.checkedAt < recheck {
            return current.client
        }
        let address = try await OutboundAddressResolver.address(host: host, port: port, allows: allows)
        let ip = address.ipAddress ?? host
        let (client, old): (HTTPClient, HTTPClient?) = pin.withLock { pin in
            if let current = pin, current.host == host, current.address == ip {
                pin?.checkedAt = now
                return (current.client, nil)
            }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            configuration.dnsOverride = [host: ip]
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            let old = pin?.client
            pin = Pin(host: host, address: ip, client: client, checkedAt: now)
            return (client, old)
        }
        if let old { retire(old) }
        return client
    }

    private func retire(_ client: HTTPClient) {
        replaced.withLock { $0.append(client) }
        let grace = self.grace
        Task {
            try? await Task.sleep(for: grace)
            let mine = self.replaced.withLock { clients in
                clients.firstIndex { $0 === client }.map { clients.remove(at: $0) }
            }
            if let mine { try? await mine.shutdown() }
        }
    }

    /// Shuts every client down; requests still running fail.
    func shutdown() async {
        let clients =
            replaced.withLock { clients in
                defer { clients.removeAll() }
                return clients
            }
            + (pin.withLock { pin in
                defer { pin = nil }
                return pin.map { [$0.client] } ?? []
            })
        for client in clients { try? await client.shutdown() }
    }
}
