public import CairnCore
public import CairnStorage
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Shares this node's rate-limit counts with the other nodes on the database, every
/// `interval`: it records how many requests per token this node let through, and charges
/// this node's buckets with what the others let through since the last exchange. Between two
/// exchanges each node spends from its own view of the budget, so the fleet can go over a
/// token's budget by what the other nodes let through in one interval (at most their bursts
/// plus `rate × interval` each); that excess is then paid back before they allow more. A node
/// counts what others spend from its first exchange, made as it starts; requests other nodes
/// let through before then are not charged to it.
public final class RateLimitSync: Service, Sendable {
    private let limiter: RateLimiter
    private let ledger: any RateLimitLedger
    private let node: String
    private let interval: Duration
    private let clock: any CairnClock
    private let logger: Logger

    private struct State {
        /// Totals this node last recorded, per token.
        var sent: [String: Int64] = [:]
        /// Totals last seen from each other node, per token.
        var seen: [String: [String: Int64]] = [:]
        /// The ledger's time of the last exchange, nil before the first.
        var lastExchange: Int64?
        var exchanges = 0
    }
    private let state = Mutex(State())

    /// Rows written just before an exchange may carry a time a little before it.
    static let overlapMilliseconds: Int64 = 2_000
    /// A node silent this long is forgotten.
    static let forgetAfterMilliseconds: Int64 = 600_000

    public init(
        limiter: RateLimiter,
        ledger: any RateLimitLedger,
        node: String = UUID().uuidString.lowercased(),
        interval: Duration = .milliseconds(250),
        clock: any CairnClock = SystemClock(),
        logger: Logger
    ) {
        self.limiter = limiter
        self.ledger = ledger
        self.node = node
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // The first exchange at once: what other nodes spend from then on is charged here.
            var first = true
            while !Task.isCancelled {
                do {
                    if !first { try await self.clock.sleep(for: self.interval) }
                    first = false
                    try await self.exchange()
                } catch is CancellationError {
                    return
                } catch {
                    // The database is away: each node keeps to its own buckets meanwhile.
                    self.logger.warning(
                        "rate-limit exchange failed",
                        metadata: ["error": "\(String(reflecting: error))"]
                    )
                }
            }
        }
    }

    /// One exchange with the ledger.
    func exchange() async throws {
        let totals = limiter.allowedTotals()
        let (changed, since) = state.withLock { state in
            (totals.filter { state.sent[$0.key] != $0.value }, state.lastExchange.map { $0 - Self.overlapMilliseconds })
        }
        let answer = try await ledger.exchange(node: node, totals: changed, since: since)
        let charges = state.withLock { state -> [String: Int64] in
            state.sent.merge(changed) { _, new in new }
            var charges: [String: Int64] = [:]
            for (other, tokens) in answer.others {
                let known = state.seen[other]
                for (token, used) in tokens {
                    // At the first exchange, what other nodes did before this one started is history.
                    let before = known?[token] ?? (state.lastExchange == nil ? used : 0)
                    if used > before { charges[token, default: 0] += used - before }
                    state.seen[other, default: [:]][token] = max(before, used)
                }
            }
            state.lastExchange = answer.now
            state.exchanges += 1
            return charges
        }
        limiter.charge(charges)
        if state.withLock({ $0.exchanges == 1 }) {
            logger.debug("rate limits: first exchange with the other nodes made")
        }
        if !charges.isEmpty {
            logger.debug(
                "rate limits: charged what other nodes let through",
                metadata: ["requests": "\(charges.values.reduce(0, +))"]
            )
        }
        if state.withLock({ $0.exchanges % 240 == 0 }) {
            try await ledger.prune(before: answer.now - Self.forgetAfterMilliseconds)
        }
    }
}
