import CairnCore
import CairnPipeline
import CairnStorage
import CairnTestFixtures
import Foundation
import Logging
import Testing

/// Issue 22: after a customer is deleted, nothing that names them is left in the SQLite file's
/// bytes: not in rows, not in free space, not in the unused parts of pages SQLite rebuilt while
/// the processor wrote beside ingest, not in the write-ahead log. Thousands of events of varied
/// sizes, interleaved with other customers', processed batch by batch as they arrive.
@Suite struct ErasureTraceTests {
    static let userId = "erasable-user-5b7d1e"
    static let anonymousId = "erasable-anon-0c93aa"
    static let messageMark = "erasable-mid-"

    @Test func aDeletedCustomersIdsAreNowhereInTheFile() async throws {
        let path = TemporaryFiles.path(named: "erasure.sqlite")
        let stores = try await CairnStores.open(.sqlite(path: path))
        let tenant = EventFixtures.tenant
        let token = try await EventFixtures.token(in: stores)
        var time = EventFixtures.receivedAt
        var random = SystemRandomNumberGenerator()
        for round in 0..<12 {
            var entries: [EventLogEntry] = []
            for index in 0..<500 {
                time = time.adding(.milliseconds(1))
                let ours = index % 4 == 0
                let pad = String(repeating: "p", count: Int.random(in: 10...900, using: &random))
                entries.append(
                    EventFixtures.entry(
                        ours && index % 8 == 0 ? .identify : .track,
                        token: token,
                        name: ours && index % 8 == 0 ? nil : "Viewed",
                        userId: ours ? Self.userId : "other-\(index % 19)",
                        anonymousId: ours ? Self.anonymousId : "other-anon-\(index % 19)",
                        traits: ours && index % 8 == 0 ? ["email": "erasable@example.com"] : nil,
                        extra: ["properties": ["pad": .string(pad)]],
                        receivedAt: time,
                        messageId: ours ? Self.messageMark + "\(round)-\(index)" : "m-\(round)-\(index)"
                    )
                )
            }
            // One of ours the processor cannot read: it fails, never tied to the customer.
            if round == 3 {
                entries.append(
                    EventFixtures.entry(
                        token: token,
                        name: "Broken",
                        userId: Self.userId,
                        receivedAt: time,
                        body: Array(#"{"userId":"\#(Self.userId)","#.utf8)
                    )
                )
            }
            _ = try await stores.eventLog.append(entries)
            try await EventFixtures.processAll(stores, at: time, batchSize: 200)
        }
        let id = EventID.make(at: time).description
        try await stores.regulations.create(
            Regulation(
                id: id,
                tenant: tenant,
                type: .delete,
                subject: RegulationSubject(kind: .userId, value: Self.userId),
                requestedBy: nil,
                requestedAt: time
            )
        )
        let worker = RegulationWorker(
            store: stores.regulations,
            suppressions: stores.suppressions,
            eventLog: stores.eventLog,
            profiles: stores.profiles,
            personalData: stores.personalData,
            clock: ManualClock(start: time),
            requested: WakeSignal(),
            logger: Logger(label: "test")
        )
        #expect(try await worker.performNext())
        let done = try #require(try await stores.regulations.regulation(id: id, tenant: tenant))
        #expect(done.status == .done)

        var found: [String: Int] = [:]
        for file in [path, path + "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            for needle in [Self.userId, Self.anonymousId, Self.messageMark, "erasable@example.com"] {
                found[needle, default: 0] += Self.occurrences(of: Array(needle.utf8), in: bytes)
            }
        }
        #expect(found.values.allSatisfy { $0 == 0 }, "left in the file: \(found)")
        // The others are still there: the search reads the file.
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(Self.occurrences(of: Array("other-anon-7".utf8), in: bytes) > 0)
    }

    static func occurrences(of needle: [UInt8], in data: Data) -> Int {
        var count = 0
        var start = data.startIndex
        let pattern = Data(needle)
        while let range = data.range(of: pattern, in: start..<data.endIndex) {
            count += 1
            start = range.upperBound
        }
        return count
    }
}
