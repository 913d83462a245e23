import CairnCore
import CairnStorage

/// The messages a dispatcher has in flight, per lane (a brand's channel), and when another claim
/// is worth making. The caps themselves hold across nodes, in the store's claims; these counts
/// only tell the dispatcher when one of its sends ending may have let a claim take more: a lane
/// it holds is back by a batch (`OutboxClaim.batch`), or a batch of its own slots is free again.
struct InFlightCounts: Sendable {
    let concurrency: Int
    /// The fewest free slots worth a claim.
    let batch: Int
    private(set) var counts: [BrandChannel: Int] = [:]
    private var batches: [BrandChannel: Int] = [:]
    private(set) var total = 0

    init(concurrency: Int, defaultCap: Int) {
        self.concurrency = max(1, concurrency)
        batch = min(OutboxClaim.batch(cap: max(1, defaultCap)), self.concurrency)
    }

    /// How many the next claim may take: every free slot; nil while fewer than a batch are free.
    var nextClaim: Int? {
        let free = concurrency - total
        return free >= batch ? free : nil
    }

    /// A claimed message's send began; `cap` is its lane's.
    mutating func started(_ lane: BrandChannel, cap: Int) {
        counts[lane, default: 0] += 1
        batches[lane] = OutboxClaim.batch(cap: cap)
        total += 1
    }

    /// A send ended. True when a claim may now take what it could not: a batch of the lane's
    /// slots or of this dispatcher's is free since the last.
    mutating func finished(_ lane: BrandChannel) -> Bool {
        let left = counts[lane, default: 1] - 1
        let laneBatch = batches[lane] ?? batch
        if left == 0 {
            counts[lane] = nil
            batches[lane] = nil
        } else {
            counts[lane] = left
        }
        total -= 1
        return left % laneBatch == 0 || concurrency - total == batch
    }
}
