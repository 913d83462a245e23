import CairnCore
import CairnPipeline
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Logging
import Synchronization
import Testing

/// A regulation whose step kept failing reads back `failed`, with the error that ended it.
@Suite struct RegulationFailureAPITests {
    static let path = AdminAPITests.brandPath + "/regulations"

    /// Holds messages of its own, and fails to export them every time.
    final class BrokenExport: PersonalDataStore {
        let personalData = PersonalData.messages

        func erase(_ subject: DataSubject, limit: Int, at time: Timestamp) async throws -> Int { 0 }

        func cancelWaiting(_ subject: DataSubject, page: Int, at time: Timestamp) async throws -> Int? { nil }

        func export(_ subject: DataSubject, page: Int) async throws -> [String: [JSONValue]] {
            throw StorageError.customerDeleted
        }
    }

    @Test func aRegulationThatKeptFailingReadsFailedWithItsError() async throws {
        let app = try await TestApp { $0.role = .api }
        let (record, secret) = AdminTokenRecord.issue(name: "privacy", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        _ = try await app.stores.brands.save(TestApp.tenant, name: "Hotels", timeZone: "UTC", at: app.clock.now())
        let admin = secret.text
        let created = try await app.test { client in
            try await client.admin(
                .post,
                Self.path,
                token: admin,
                body: #"{"type":"access","subject":{"userId":"u1"}}"#
            )
        }
        let id = try #require(created.json["regulation"]?["id"]?.stringValue)
        let worker = RegulationWorker(
            store: app.stores.regulations,
            suppressions: app.stores.suppressions,
            eventLog: app.stores.eventLog,
            profiles: app.stores.profiles,
            personalData: app.stores.personalData + [BrokenExport()],
            clock: app.clock,
            requested: WakeSignal(),
            retry: RetryPolicy(maxAttempts: 1),
            logger: Logger(label: "test")
        )
        #expect(try await worker.performNext())
        #expect(try await worker.performNext() == false)
        let (read, export) = try await app.test { client in
            (
                try await client.admin(.get, Self.path + "/\(id)", token: admin),
                try await client.admin(.get, Self.path + "/\(id)/export", token: admin)
            )
        }
        let regulation = read.json["regulation"]
        #expect(regulation?["status"] == "failed")
        #expect(regulation?["completedAt"]?.stringValue != nil)
        #expect(regulation?["error"]?["code"] == "regulation_step_failed")
        #expect(
            regulation?["error"]?["message"]
                == .string(
                    "The regulation's step \"export\" kept failing: \(StorageError.customerDeleted.description) "
                        + "The server's log has the details."
                )
        )
        #expect(export.status == .conflict)
    }
}
