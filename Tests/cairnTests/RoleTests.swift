import CairnCore
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `--role`: an API node takes events in and processes none; a worker node serves no API and
/// processes what the API nodes took in.
@Suite struct RoleTests {
    @Test func anAPINodeAndAWorkerNodeSplitTheWork() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("roles.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let api = try await RunningServer.start(database: database, extraArguments: ["--role", "api"])
        let posted = try await api.withClient { client in
            try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: #"{"userId":"u","traits":{}}"#)
                .0
        }
        #expect(posted == .ok)
        #expect(await api.stop() == 0)
        #expect(try await WaitingEvents.count(database) == 1)

        let worker = try await RunningServer.start(database: database, environment: ["CAIRN_ROLE": "worker"])
        let (health, track) = try await worker.withClient { client in
            (
                try await client.get("/health").status,
                try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: #"{"userId":"v"}"#).0
            )
        }
        #expect(health == .ok)
        #expect(track == .notFound, "a worker serves no ingest routes")
        // Waits on the condition, not on time.
        for _ in 0..<500 where try await WaitingEvents.count(database) > 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await WaitingEvents.count(database) == 0)
        #expect(await worker.stop() == 0)
    }

    @Test func anUnknownRoleIsRefused() async throws {
        let output = try await CairnBinary.run(["serve", "--role", "cook", "--database", "sqlite:/tmp/unused.sqlite"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("Unknown role \"cook\" (--role); use all, api or worker."))
    }
}

/// Events still waiting for a processor in an SQLite file a server uses (WAL: read beside it).
enum WaitingEvents {
    static func count(_ database: String) async throws -> Int {
        let stores = try await CairnStores.open(try DatabaseLocation(parsing: database))
        return try await stores.inspection.pendingEvents(limit: 100).count
    }
}
