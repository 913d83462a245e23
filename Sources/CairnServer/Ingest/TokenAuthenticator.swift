import CairnCore
import CairnStorage
import Synchronization

/// Checks presented tokens against the token store, keeping what it read for a short time so
/// that the hot path rarely touches the database.
final class TokenAuthenticator: Sendable {
    private struct CacheEntry {
        var record: TokenRecord?
        var readAt: Double
    }

    private let store: any TokenStore
    private let cacheSeconds: Double
    private let clock: any CairnClock
    private let cache = Mutex<[String: CacheEntry]>([:])

    init(store: any TokenStore, cacheSeconds: Double, clock: any CairnClock) {
        self.store = store
        self.cacheSeconds = cacheSeconds
        self.clock = clock
    }

    /// The live (known, unrevoked) token `presented` is the secret of; nil for anything else.
    /// Throws `APIError.unavailable` (503) when the token store cannot be read.
    func liveToken(_ presented: String) async throws -> TokenRecord? {
        guard let secret = TokenSecret(presented: presented),
            let record = try await record(id: secret.id),
            !record.isRevoked,
            secret.matches(storedHash: record.secretHash)
        else { return nil }
        return record
    }

    private func record(id: String) async throws -> TokenRecord? {
        let now = clock.uptime()
        if let entry = cache.withLock({ $0[id] }), now - entry.readAt < cacheSeconds {
            return entry.record
        }
        let record: TokenRecord?
        do {
            record = try await store.token(id: id)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The database is away: the request cannot be checked, so nothing can be accepted now.
            throw APIError.unavailable
        }
        cache.withLock { cache in
            if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
            cache[id] = CacheEntry(record: record, readAt: now)
        }
        return record
    }
}
