import CairnCore
import Testing

@testable import CairnPipeline

/// How the dispatcher sizes its claims: batches of half a brand's share, never past a share.
@Suite struct InFlightCountsTests {
    let hotels = Tenant(clientId: "c", accountId: "a", brandId: "hotels")
    let flights = Tenant(clientId: "c", accountId: "a", brandId: "flights")

    @Test func claimsComeInBatchesOfHalfABrandsShare() throws {
        var counts = InFlightCounts(concurrency: 64, perBrand: 16)
        let first = try #require(counts.nextClaim())
        #expect(first.limit == 8)
        #expect(first.skipping.isEmpty)
        for _ in 0..<8 { counts.started(hotels) }
        // Half full: a claim may still take a batch of this brand's messages.
        #expect(counts.nextClaim()?.skipping.isEmpty == true)
        counts.started(hotels)
        #expect(counts.nextClaim()?.skipping == [hotels], "past half its share, the brand is skipped")
        for _ in 0..<7 { counts.started(hotels) }
        // Sends ending do not call for a claim until the brand is back to half its share.
        for _ in 0..<7 {
            let wakes = counts.finished(hotels)
            #expect(!wakes)
        }
        let backToHalf = counts.finished(hotels)
        #expect(backToHalf, "back to half: worth a claim")
        #expect(counts.nextClaim()?.skipping.isEmpty == true)
    }

    @Test func noBrandPassesItsShareWhateverTheClaimsTake() {
        var counts = InFlightCounts(concurrency: 64, perBrand: 16)
        for round in 0..<200 {
            // Each claim takes everything it may, all of one brand when that brand is not skipped.
            if let next = counts.nextClaim() {
                let brand = round % 3 == 0 ? flights : hotels
                if !next.skipping.contains(brand) { for _ in 0..<next.limit { counts.started(brand) } }
            }
            #expect(counts.counts.values.allSatisfy { $0 <= 16 })
            #expect(counts.total <= 64)
            if round % 2 == 1, let busiest = counts.counts.max(by: { $0.value < $1.value })?.key {
                _ = counts.finished(busiest)
            }
        }
    }

    @Test func aFullDispatcherClaimsAgainOnceABatchOfSlotsIsFree() {
        var counts = InFlightCounts(concurrency: 8, perBrand: 16)
        #expect(counts.batch == 8)
        for _ in 0..<8 { counts.started(hotels) }
        #expect(counts.nextClaim() == nil)
        for _ in 0..<7 { _ = counts.finished(hotels) }
        #expect(counts.nextClaim() == nil, "one slot free is less than a batch")
        let batchFree = counts.finished(hotels)
        #expect(batchFree)
        #expect(counts.nextClaim()?.limit == 8)
    }

    @Test func aShareOfOneStillSends() {
        var counts = InFlightCounts(concurrency: 4, perBrand: 1)
        #expect(counts.nextClaim()?.limit == 1)
        counts.started(hotels)
        #expect(counts.nextClaim()?.skipping == [hotels])
        let freed = counts.finished(hotels)
        #expect(freed)
    }
}
