import CairnCore
import CairnTestFixtures
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import CairnStorage

/// On PostgreSQL a lane's counters are kept in shards: a processor batch (REPEATABLE READ) counts
/// the messages it queues in its partition's shard, which nothing else writes, so a claim or an
/// outcome changing the lane meanwhile does not fail the batch.
@Suite(.enabled(if: TestPostgres.server != nil || TestPostgres.required, "CAIRN_TEST_POSTGRES is not set"))
struct PostgresLaneShardTests {
    @Test func theProcessorCountsWhatItQueuesInItsPartitionsShard() async throws {
        let location = try await TestPostgres.freshDatabase()
        let stores = try await CairnStores.open(.postgres(location))
        for service in stores.services { Task { try await service.run() } }
        _ = try await SendFixtures.queueSMS(in: stores, count: 3)
        let database = PostgresDatabase(location)
        try await database.whileRunning {
            let shards = try await database.query("SELECT shard, queued FROM outbox_lanes WHERE queued <> 0")
                .map { try $0.decode((Int16, Int).self) }
            #expect(shards.count == 1)
            #expect(shards.first.map { $0.0 > 0 && $0.1 == 3 } == true, "\(shards)")
        }
    }

    @Test func aBatchQueueingInALaneIsNotFailedByAClaimFromItMeanwhile() async throws {
        let location = try await TestPostgres.freshDatabase()
        let stores = try await CairnStores.open(.postgres(location))
        for service in stores.services { Task { try await service.run() } }
        _ = try await SendFixtures.queueSMS(in: stores, count: 2)
        let queued = try #require(
            try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter()).first
        )
        let database = PostgresDatabase(location)
        try await database.whileRunning {
            let (snapshotTaken, claimed) = (AsyncStream<Void>.makeStream(), AsyncStream<Void>.makeStream())
            let batch = Task {
                try await database.transaction { connection in
                    try await connection.query(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                        logger: database.logger
                    )
                    try await connection.query(
                        "SELECT set_config('cairn.lane_shard', '9', true)",
                        logger: database.logger
                    )
                    try await connection.query("SELECT count(*) FROM outbox_lanes", logger: database.logger)
                    snapshotTaken.continuation.yield()
                    var waits = claimed.stream.makeAsyncIterator()
                    _ = await waits.next()
                    var message = queued
                    message.messageId = "00000000-0000-7000-8000-00000000b0a7"
                    try await PostgresMessageRows.insert(message, on: connection, logger: database.logger)
                }
            }
            var waits = snapshotTaken.stream.makeAsyncIterator()
            _ = await waits.next()
            let taken = try await stores.outbox.claim(
                OutboxClaim(limit: 1, now: EventFixtures.receivedAt.adding(.seconds(60)), lease: .seconds(60))
            )
            #expect(taken.count == 1)
            claimed.continuation.yield()
            try await batch.value
            #expect(try await stores.outbox.depth() == 3)
        }
    }
}
