import CairnCore
import Testing

@testable import CairnPipeline

/// When the dispatcher claims again: once a batch of its slots is free, or one of its lanes is
/// back by a batch (the caps themselves hold in the store, across nodes).
@Suite struct InFlightCountsTests {
    let hotels = BrandChannel(tenant: Tenant(clientId: "c", accountId: "a", brandId: "hotels"), channel: .email)
    let flights = BrandChannel(tenant: Tenant(clientId: "c", accountId: "a", brandId: "flights"), channel: .sms)

    @Test func aLaneBackByABatchCallsForAClaim() {
        var counts = InFlightCounts(concurrency: 256, defaultCap: 16)
        for _ in 0..<16 { counts.started(hotels, cap: 16) }
        // Sends ending do not call for a claim until the lane is back by a batch (half its cap).
        for _ in 0..<7 {
            let wakes = counts.finished(hotels)
            #expect(!wakes)
        }
        let backByABatch = counts.finished(hotels)
        #expect(backByABatch, "back to half its cap: worth a claim")
        #expect(counts.nextClaim == 248, "a claim may take every free slot; the store keeps the lanes' caps")
    }

    @Test func eachLaneKeepsTheBatchOfItsOwnCap() {
        var counts = InFlightCounts(concurrency: 256, defaultCap: 16)
        for _ in 0..<4 { counts.started(flights, cap: 4) }
        for _ in 0..<2 { counts.started(hotels, cap: 16) }
        let first = counts.finished(flights)
        let second = counts.finished(flights)
        #expect(!first)
        #expect(second, "a lane with a cap of 4 is worth a claim once 2 are free")
        #expect(counts.counts[flights] == 2)
        let hotelsDone = counts.finished(hotels)
        let hotelsEmpty = counts.finished(hotels)
        #expect(!hotelsDone)
        #expect(hotelsEmpty, "a lane with nothing left in flight is worth a claim")
        #expect(counts.counts[hotels] == nil)
    }

    @Test func aFullDispatcherClaimsAgainOnceABatchOfSlotsIsFree() {
        var counts = InFlightCounts(concurrency: 8, defaultCap: 16)
        #expect(counts.batch == 8)
        #expect(counts.nextClaim == 8)
        for _ in 0..<4 { counts.started(hotels, cap: 64) }
        for _ in 0..<4 { counts.started(flights, cap: 64) }
        #expect(counts.nextClaim == nil, "no free slot: no claim")
        var wakes: [Bool] = []
        for _ in 0..<4 { wakes.append(counts.finished(hotels)) }
        for _ in 0..<4 { wakes.append(counts.finished(flights)) }
        #expect(wakes == [false, false, false, true, false, false, false, true], "a lane emptied, then every slot")
        #expect(counts.total == 0)
        #expect(counts.nextClaim == 8)
    }
}
