import AsyncHTTPClient
public import CairnCore
public import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Where a brand's VAPID key pair comes from (made on first use and sealed at rest).
public protocol VAPIDKeySource: Sendable {
    func vapidKey(for tenant: Tenant) async throws -> P256.Signing.PrivateKey
}

/// Sends pushes to browsers (RFC 8030): the payload encrypted for the subscription (RFC 8291),
/// posted to its endpoint with the brand's VAPID token (RFC 8292). A 404 or 410 means the
/// subscription is gone (the device is removed); 429 and 5xx are tried again, after `Retry-After`
/// when the push service gives one; other answers fail for good. Endpoints come from browsers, so
/// they may be only where `addressPolicy` allows (public addresses unless the server allows
/// private ones), each push service's host checked and pinned.
public final class WebPushClient: Sendable {
    static let maximumAnswerBytes = 64 * 1024
    /// How many push services' hosts keep a pinned client; past it, the least recently used goes.
    static let maximumHosts = 32
    /// How long a push service keeps a push for a browser that is offline (four weeks).
    static let timeToLive = 2_419_200

    private struct Host {
        var client: ProviderHTTPClient
        var used: UInt64
    }

    private let keys: any VAPIDKeySource
    private let policy: OutboundAddressPolicy
    private let timeout: Duration
    private let clock: any CairnClock
    private let hosts = Mutex<(clients: [String: Host], uses: UInt64)>(([:], 0))

    public init(
        keys: any VAPIDKeySource,
        addressPolicy: OutboundAddressPolicy,
        timeout: Duration = .seconds(30),
        clock: any CairnClock = SystemClock()
    ) {
        self.keys = keys
        self.policy = addressPolicy
        self.timeout = timeout
        self.clock = clock
    }

    /// What a browser's service worker receives: the notification as JSON.
    static func payload(_ notification: PushNotification) -> [UInt8] {
        var fields: [String: JSONValue] = ["title": .string(notification.title), "body": .string(notification.body)]
        if let image = notification.imageURL { fields["image"] = .string(image) }
        if let url = notification.url { fields["url"] = .string(url) }
        if !notification.data.isEmpty { fields["data"] = .object(notification.data.mapValues(JSONValue.string)) }
        return JSONValue.object(fields).encoded()
    }

    /// Sends `notification` to one browser for `tenant`, identified as `subject`.
    public func send(
        _ notification: PushNotification,
        to subscription: PushDevice.WebSubscription,
        tenant: Tenant,
        subject: String
    ) async throws(ProviderError) {
        guard let endpoint = URL(string: subscription.endpoint), let host = endpoint.host, !host.isEmpty,
            ["https", "http"].contains(endpoint.scheme?.lowercased() ?? "")
        else {
            var failure = ProviderError.misconfigured("Web Push: the subscription's endpoint is not an http(s) URL.")
            failure.removesDevice = true
            throw failure
        }
        guard let p256dh = Base64URL.decode(subscription.p256dh), let auth = Base64URL.decode(subscription.auth) else {
            var failure = ProviderError.misconfigured("Web Push: the subscription's keys are not base64url.")
            failure.removesDevice = true
            throw failure
        }
        let key: P256.Signing.PrivateKey
        do {
            key = try await keys.vapidKey(for: tenant)
        } catch {
            throw .unavailable("Web Push: the brand's VAPID key could not be read (\(error)).")
        }
        let body: [UInt8]
        let authorization: String
        do {
            body = try WebPushEncryption.encrypt(Self.payload(notification), p256dh: p256dh, auth: auth)
            authorization = try VAPIDToken.authorization(
                endpoint: endpoint,
                subject: subject,
                key: key,
                at: clock.now()
            )
        } catch {
            throw .misconfigured("Web Push: \(error).")
        }
        let client = try await self.client(for: subscription.endpoint, host: host)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: subscription.endpoint,
                method: .POST,
                headers: [
                    "Authorization": authorization, "Content-Encoding": "aes128gcm",
                    "Content-Type": "application/octet-stream", "TTL": "\(Self.timeToLive)", "Urgency": "normal",
                ],
                body: .bytes(body)
            )
        } catch {
            throw .misconfigured("Web Push: the endpoint cannot be used (\(error)).")
        }
        let answer = try await HTTPExchange.send(
            request,
            client: client,
            maximumAnswerBytes: Self.maximumAnswerBytes,
            timeout: timeout,
            clock: clock,
            provider: "Web Push: \(host)"
        )
        guard !(200..<300).contains(answer.status) else { return }
        throw Self.failure(
            status: answer.status,
            host: host,
            words: String(decoding: answer.body.readableBytesView.prefix(200), as: UTF8.self),
            retryAfter: answer.headers.first(name: "Retry-After")
        )
    }

    /// A push service's refusal as what the outbox should do.
    static func failure(status: Int, host: String, words: String, retryAfter: String?) -> ProviderError {
        let trimmed = words.trimmingCharacters(in: .whitespacesAndNewlines)
        var failure = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "Web Push: \(host) refused the push (HTTP \(status))" + (trimmed.isEmpty ? "." : ": \(trimmed)"),
            httpStatus: status
        )
        switch status {
        case 404, 410:
            failure.removesDevice = true
        case 429, 500..<600:
            failure.kind = .transient
            failure.retryAfter = retryAfter.flatMap(Int.init).map { .seconds(max(0, $0)) }
        default:
            break
        }
        return failure
    }

    /// The client for one push service's host, its address checked under the policy.
    private func client(for url: String, host: String) async throws(ProviderError) -> HTTPClient {
        let (client, evicted) = hosts.withLock { hosts -> (ProviderHTTPClient, ProviderHTTPClient?) in
            hosts.uses += 1
            if var known = hosts.clients[host] {
                known.used = hosts.uses
                hosts.clients[host] = known
                return (known.client, nil)
            }
            var evicted: ProviderHTTPClient?
            if hosts.clients.count >= Self.maximumHosts,
                let oldest = hosts.clients.min(by: { $0.value.used < $1.value.used })
            {
                evicted = oldest.value.client
                hosts.clients[oldest.key] = nil
            }
            let made = ProviderHTTPClient(policy: policy, grace: timeout + .seconds(10))
            hosts.clients[host] = Host(client: made, used: hosts.uses)
            return (made, evicted)
        }
        if let evicted {
            let grace = timeout + .seconds(10)
            Task {
                try? await Task.sleep(for: grace)
                await evicted.shutdown()
            }
        }
        return try await client.client(for: url, provider: "Web Push")
    }

    public func shutdown() async {
        let clients = hosts.withLock { hosts in
            defer { hosts.clients.removeAll() }
            return hosts.clients.values.map(\.client)
        }
        for client in clients { await client.shutdown() }
    }
}
