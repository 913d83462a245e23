import CairnCore
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Nothing acknowledged is lost across `kill -9`.
@Suite struct CrashTests {
    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
        func add(_ id: String) { ids.withLock { $0.append(id) } }
        var all: [String] { ids.withLock { $0 } }
        let finished = Mutex(0)
        func senderDone() { finished.withLock { $0 += 1 } }
        var sendersDone: Int { finished.withLock { $0 } }
    }

    /// How many acknowledged events the server is killed after: the load is in flight by then.
    static let killAfter = 20

    @Test func everyAcknowledgedEventSurvivesKill9UnderLoad() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("crash.sqlite").path)
        let token = try await CairnBinary.createToken(
            database: database,
            extra: ["--rate", "100000", "--burst", "100000"]
        )
        let server = try await RunningServer.start(database: database)
        let acknowledged = Acknowledged()

        // Eight connections send single events and batches until the server dies; bounded in count.
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    defer { acknowledged.senderDone() }
                    try? await server.withClient { client in
                        for sequence in 0..<5000 {
                            let user = "user-\(worker)"
                            if sequence % 10 == 0 {
                                let body =
                                    #"{"batch":[{"type":"track","userId":"\#(user)","event":"b1"},"#
                                    + #"{"type":"page","userId":"\#(user)"}]}"#
                                let (status, json) = try await client.send(
                                    "/track/hea/hea/HEA/v1/batch",
                                    token: token,
                                    body: body
                                )
                                guard status == .ok else { continue }
                                for id in json["eventIds"]?.arrayValue ?? [] { acknowledged.add(id.stringValue ?? "") }
                            } else {
                                let body =
                                    #"{"userId":"\#(user)","event":"Product Added","properties":{"n":\#(sequence)}}"#
                                let (status, json) = try await client.send(
                                    "/track/hea/hea/HEA/v1/track",
                                    token: token,
                                    body: body
                                )
                                if status == .ok, let id = json["eventId"]?.stringValue { acknowledged.add(id) }
                            }
                        }
                    }
                }
            }
            group.addTask {
                // Kill the server mid-flight once it has acknowledged a few events, however long
                // that takes on this machine (or once every sender has given up; two minutes bound a hang).
                let limit = ContinuousClock.now + .seconds(120)
                while acknowledged.all.count < Self.killAfter, acknowledged.sendersDone < 8, ContinuousClock.now < limit
                {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                _ = await server.stop(signal: SIGKILL)
            }
        }

        let ids = acknowledged.all
        #expect(ids.count >= Self.killAfter)
        let restarted = try await RunningServer.start(database: database)
        let missing = try await restarted.withClient { client in
            var missing: [String] = []
            for id in ids {
                let (status, _) = try await client.fetch("/track/hea/hea/HEA/v1/events/\(id)", token: token)
                if status != .ok { missing.append(id) }
            }
            return missing
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        _ = await restarted.stop()
    }
}

extension CrashTests {
    @Test func theProcessorResumesAfterKill9InTheMiddleOfABacklog() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("backlog.sqlite").path)
        let token = try await CairnBinary.createToken(
            database: database,
            extra: ["--rate", "100000", "--burst", "100000"]
        )
        let users = 20
        let batches = 40
        // A backlog of 4,000 events, taken in with the processor off.
        let ingest = try await RunningServer.start(database: database, extraArguments: ["--no-processor"])
        try await ingest.withClient { client in
            for batch in 0..<batches {
                var items: [String] = []
                for index in 0..<100 {
                    let user = "user-\((batch * 100 + index) % users)"
                    items.append(#"{"type":"track","userId":"\#(user)","event":"e","properties":{"n":\#(index)}}"#)
                }
                let (status, _) = try await client.send(
                    "/track/hea/hea/HEA/v1/batch",
                    token: token,
                    body: #"{"batch":[\#(items.joined(separator: ","))]}"#
                )
                try #require(status == .ok)
            }
        }
        _ = await ingest.stop()

        // Kill the processing node as soon as it has made progress, then start it again.
        let first = try await RunningServer.start(database: database)
        try await first.withClient { client in
            for _ in 0..<500 {
                let (_, json) = try await client.fetch(
                    "/track/hea/hea/HEA/v1/events?status=processed&size=1",
                    token: token
                )
                if json["events"]?.arrayValue?.isEmpty == false { return }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        _ = await first.stop(signal: SIGKILL)

        let second = try await RunningServer.start(database: database)
        let (waiting, timelineTotal) = try await second.withClient { client in
            var waiting = -1
            for _ in 0..<500 {
                let (_, json) = try await client.fetch(
                    "/track/hea/hea/HEA/v1/events?status=accepted&size=1",
                    token: token
                )
                waiting = json["events"]?.arrayValue?.count ?? -1
                if waiting == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            var total = 0
            for user in 0..<users {
                var from = 0
                while true {
                    let (_, json) = try await client.fetch(
                        "/track/hea/hea/HEA/v1/profiles/userId:user-\(user)/events?from=\(from)&size=100",
                        token: token
                    )
                    let count = json["events"]?.arrayValue?.count ?? 0
                    total += count
                    if count < 100 { break }
                    from += 100
                }
            }
            return (waiting, total)
        }
        _ = await second.stop()
        #expect(waiting == 0, "every event was processed after the restart")
        #expect(timelineTotal == users * (batches * 100 / users), "each event is on exactly one timeline, once")
    }
}
