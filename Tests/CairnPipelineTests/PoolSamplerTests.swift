import CairnStorage
import CairnTestFixtures
import MetricsTestKit
import Testing

@testable import CairnPipeline

/// The pool gauges and counters read the real PostgreSQL pool's use.
@Suite struct PoolSamplerTests {
    @Test(.enabled(if: StoreBackend.allCases.contains(.postgres), "CAIRN_TEST_POSTGRES is not set"))
    func thePoolsUseIsRecordedAndCountedSinceTheLastSample() async throws {
        let stores = try await StoreBackend.postgres.makeStores()
        let metrics = TestMetrics()
        let sampler = PoolSampler(probe: stores.probe, metrics: CairnMetrics(factory: metrics))
        let first = try #require(sampler.sample(since: nil))
        try await SendFixtures.queueSMS(in: stores, count: 2)
        let second = try #require(sampler.sample(since: first))
        #expect(second.size == ConnectionSettings().poolSize)
        #expect(second.inUse == 0)
        #expect(second.waiting == 0)
        #expect(second.acquisitions > first.acquisitions)
        #expect(try metrics.expectGauge("cairn_db_pool_size").lastValue == Double(second.size))
        #expect(try metrics.expectGauge("cairn_db_pool_in_use").lastValue == 0)
        let counted = try metrics.expectCounter("cairn_db_pool_acquisitions_total").totalValue
        #expect(counted == Int64(second.acquisitions))
    }

    @Test func sqliteHasNoPool() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        #expect(stores.probe.poolUsage == nil)
        #expect(PoolSampler(probe: stores.probe, metrics: .none).sample(since: nil) == nil)
    }
}
