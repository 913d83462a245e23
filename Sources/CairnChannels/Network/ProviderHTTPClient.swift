import AsyncHTTPClient

/// The HTTP client a provider sends with: the shared one for the operator's own providers, one
/// pinned to a checked address (`PinnedHTTPClient`) for those a brand set, under its policy.
struct ProviderHTTPClient: Sendable {
    private let shared: HTTPClient
    private let pinned: PinnedHTTPClient?

    /// `grace`: how long a replaced pinned client is kept for the requests it still has.
    init(policy: OutboundAddressPolicy, shared: HTTPClient = .shared, grace: Duration) {
        self.shared = shared
        self.pinned = policy == .anyAddress ? nil : PinnedHTTPClient(policy: policy, grace: grace)
    }

    /// The client for a request to `url`; a refused address is `provider`'s error.
    func client(for url: String, provider: String) async throws(ProviderError) -> HTTPClient {
        guard let pinned else { return shared }
        do throws(OutboundAddressResolver.Refusal) {
            return try await pinned.client(for: url)
        } catch {
            throw error.providerError(provider)
        }
    }

    /// Shuts the pinned clients down (the shared one stays).
    func shutdown() async {
        await pinned?.shutdown()
    }
}
