import CairnStorage
import CairnTestFixtures
import Logging
import MetricsTestKit
import Testing

@testable import CairnPipeline

/// The backlog gauges read what really waits in the stores.
@Suite struct BacklogSamplerTests {
    @Test(arguments: StoreBackend.allCases)
    func theGaugesShowTheEventsAndMessagesWaiting(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let clock = ManualClock(start: EventFixtures.receivedAt)
        // Two messages queued (their events processed), then events the processor has not seen.
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        try await SendFixtures.queueSMS(in: stores, count: 3, at: clock.now(), processed: false)
        let waiting = try await stores.inspection.pendingEvents(limit: 100).count
        try #require(waiting >= 3)
        let metrics = TestMetrics()
        let sampler = BacklogSampler(
            processing: stores.processing,
            outbox: stores.outbox,
            metrics: CairnMetrics(factory: metrics),
            logger: Logger(label: "sampler")
        )
        await sampler.sample()
        #expect(try metrics.expectGauge("cairn_processor_backlog").lastValue == Double(waiting))
        #expect(try metrics.expectGauge("cairn_outbox_depth").lastValue == 2)
    }
}
