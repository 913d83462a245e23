import CairnCore

/// The messages a dispatcher has in flight, per brand, and what its next claim may take.
/// Claims come in batches of half a brand's share (`batch`), so a claim transaction serves
/// several sends; a brand is skipped while more than half its share is in flight, so no brand
/// ever has more than `perBrand` (a slow provider holds up its own brand only).
struct InFlightCounts: Sendable {
    let concurrency: Int
    let perBrand: Int
    private(set) var counts: [Tenant: Int] = [:]
    private(set) var total = 0

    init(concurrency: Int, perBrand: Int) {
        self.concurrency = max(1, concurrency)
        self.perBrand = max(1, perBrand)
    }

    /// The most one claim takes: half a brand's share (at least one, at most the concurrency).
    var batch: Int { max(1, min(perBrand / 2, concurrency)) }

    /// The next claim: how many and which brands to skip; nil while fewer than a batch of slots are free.
    func nextClaim() -> (limit: Int, skipping: Set<Tenant>)? {
        guard concurrency - total >= batch else { return nil }
        return (batch, Set(counts.filter { $0.value > perBrand - batch }.keys))
    }

    mutating func started(_ tenant: Tenant) {
        counts[tenant, default: 0] += 1
        total += 1
    }

    /// A send ended. True when that makes possible a claim that was not: its brand is no longer
    /// skipped, or a batch of slots is free again.
    mutating func finished(_ tenant: Tenant) -> Bool {
        let left = counts[tenant, default: 1] - 1
        counts[tenant] = left == 0 ? nil : left
        total -= 1
        return left == perBrand - batch || concurrency - total == batch
    }
}
