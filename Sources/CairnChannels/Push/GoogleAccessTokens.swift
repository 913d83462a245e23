public import AsyncHTTPClient
public import CairnCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// OAuth 2 access tokens for one service account, shared by every send of its brand: fetched
/// once however many sends ask at the same moment (single flight), kept until a minute before
/// they expire, and fetched again when a send finds its token refused (`invalidate`).
public final class GoogleAccessTokens: Sendable {
    struct Token: Sendable {
        var value: String
        var refreshAt: Timestamp
    }

    private enum State {
        case empty
        case fetching(Task<Token, any Error>)
        case ready(Token)
    }

    /// Token answers are small; more than this is not one.
    static let maximumAnswerBytes = 64 * 1024
    /// A token is fetched again this long before its expiry.
    static let refreshMargin: Duration = .seconds(60)

    private let account: FCMServiceAccount
    private let http: ProviderHTTPClient
    private let clock: any CairnClock
    private let timeout: Duration
    private let state = Mutex(State.empty)

    /// `addressPolicy`: where the token URI may be (a brand's key file names its own).
    public init(
        account: FCMServiceAccount,
        addressPolicy: OutboundAddressPolicy = .anyAddress,
        httpClient: HTTPClient = .shared,
        clock: any CairnClock = SystemClock(),
        timeout: Duration = .seconds(30)
    ) {
        self.account = account
        self.http = ProviderHTTPClient(policy: addressPolicy, shared: httpClient, grace: timeout + .seconds(10))
        self.clock = clock
        self.timeout = timeout
    }

    /// A live access token: the one kept, the one being fetched, or a new one.
    public func token() async throws(ProviderError) -> String {
        let now = clock.now()
        enum Next {
            case have(String)
            case wait(Task<Token, any Error>)
        }
        let next: Next = state.withLock { state in
            switch state {
            case .ready(let token) where now < token.refreshAt:
                return .have(token.value)
            case .fetching(let task):
                return .wait(task)
            case .ready, .empty:
                let task = Task { try await self.fetch() }
                state = .fetching(task)
                return .wait(task)
            }
        }
        switch next {
        case .have(let value):
            return value
        case .wait(let task):
            do {
                let token = try await task.value
                state.withLock { state in
                    if case .fetching(let current) = state, current == task { state = .ready(token) }
                }
                return token.value
            } catch {
                state.withLock { state in
                    if case .fetching(let current) = state, current == task { state = .empty }
                }
                throw (error as? ProviderError) ?? .unavailable("FCM: no access token (\(error))")
            }
        }
    }

    /// Forgets `value` when it is the token kept (a send found it refused): the next asks anew.
    public func invalidate(_ value: String) {
        state.withLock { state in
            if case .ready(let token) = state, token.value == value { state = .empty }
        }
    }

    public func shutdown() async {
        await http.shutdown()
    }

    /// Trades a fresh assertion for a token at the key's token URI.
    private func fetch() async throws -> Token {
        let now = clock.now()
        let assertion: String
        do {
            assertion = try GoogleAssertion.make(for: account, at: now)
        } catch {
            throw ProviderError.misconfigured("FCM: the service account's key cannot sign (\(error))")
        }
        let client = try await http.client(for: account.tokenURI, provider: "FCM token")
        var request = HTTPClientRequest(url: account.tokenURI)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form =
            "grant_type=" + Self.formEncoded("urn:ietf:params:oauth:grant-type:jwt-bearer")
            + "&assertion=" + Self.formEncoded(assertion)
        request.body = .bytes(ByteBuffer(string: form))
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: Self.maximumAnswerBytes)
        } catch {
            throw ProviderError.unavailable("FCM: the token endpoint did not answer (\(error))")
        }
        let json = try? JSONParser.parse(Array(body.readableBytesView))
        guard (200..<300).contains(status) else {
            let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue]
                .compactMap { $0 }.joined(separator: ": ")
            let message =
                "FCM: the token endpoint refused the service account (HTTP \(status)"
                + (reason.isEmpty ? ")" : ", \(reason))")
            throw status == 429 || status >= 500 ? ProviderError.unavailable(message) : .misconfigured(message)
        }
        guard let value = json?["access_token"]?.stringValue, !value.isEmpty,
            case .number(let seconds)? = json?["expires_in"], let lifetime = Double(seconds), lifetime > 0
        else {
            throw ProviderError.unavailable("FCM: the token endpoint's answer holds no access_token and expires_in")
        }
        let refreshAt = now.adding(.milliseconds(Int64(lifetime * 1000))).adding(.zero - Self.refreshMargin)
        return Token(value: value, refreshAt: refreshAt)
    }

    /// `text` as a form value: everything but unreserved characters percent-encoded.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
