import CairnCore
import Foundation
import Synchronization
import Testing

/// Nothing acknowledged is lost across `kill -9`.
@Suite struct CrashTests {
    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
        func add(_ id: String) { ids.withLock { $0.append(id) } }
        var all: [String] { ids.withLock { $0 } }
    }

    @Test func everyAcknowledgedEventSurvivesKill9UnderLoad() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("crash.sqlite").path)
        let token = try await CairnBinary.createToken(
            database: database,
            extra: ["--rate", "100000", "--burst", "100000"]
        )
        let server = try await RunningServer.start(database: database)
        let acknowledged = Acknowledged()

        // Eight connections send single events and batches until the server dies; bounded in count and time.
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    try? await server.withClient { client in
                        let deadline = ContinuousClock.now + .seconds(20)
                        for sequence in 0..<5000 where ContinuousClock.now < deadline {
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
                // Let load build, then kill the server mid-flight.
                while acknowledged.all.count < 300 { try? await Task.sleep(for: .milliseconds(10)) }
                _ = await server.stop(signal: SIGKILL)
            }
        }

        let ids = acknowledged.all
        #expect(ids.count >= 300)
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
