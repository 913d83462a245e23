public import CairnChannels
public import CairnCore
public import CairnStorage
public import Crypto
import Synchronization

/// Each brand's VAPID key pair for Web Push: made on first use, sealed with the server's secret
/// key in the channel store, and the same on every node (the first one kept wins). Kept in memory
/// once read: a brand's key never changes, since browsers subscribed with its public half.
public final class VAPIDKeyring: VAPIDKeySource {
    private let store: any ChannelStore
    private let box: SecretBox?
    private let clock: any CairnClock
    /// Keys read, as raw scalars (the key type is not `Sendable`).
    private let keys = Mutex<[Tenant: [UInt8]]>([:])

    public init(store: any ChannelStore, box: SecretBox?, clock: any CairnClock) {
        self.store = store
        self.box = box
        self.clock = clock
    }

    /// Brands' VAPID keys are kept sealed, so without a secret key there are none.
    public struct NoSecretKey: Error, CustomStringConvertible {
        public var description: String {
            "Web Push needs the server's secret key (CAIRN_SECRET_KEY) to keep the brand's VAPID keys"
        }
    }

    public func vapidKey(for tenant: Tenant) async throws -> P256.Signing.PrivateKey {
        if let known = keys.withLock({ $0[tenant] }) { return try P256.Signing.PrivateKey(rawRepresentation: known) }
        guard let box else { throw NoSecretKey() }
        let sealed: [UInt8]
        if let stored = try await store.pushKey(tenant: tenant) {
            sealed = stored
        } else {
            let made = P256.Signing.PrivateKey()
            sealed = try await store.keepPushKey(
                try box.seal(Array(made.rawRepresentation)),
                tenant: tenant,
                at: clock.now()
            )
        }
        let raw = try box.open(sealed)
        let key = try P256.Signing.PrivateKey(rawRepresentation: raw)
        keys.withLock { $0[tenant] = raw }
        return key
    }

    /// The brand's public key as browsers take it (`applicationServerKey`), base64url.
    public func publicKey(for tenant: Tenant) async throws -> String {
        VAPIDToken.publicKey(of: try await vapidKey(for: tenant))
    }
}
