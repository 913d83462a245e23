import CairnCore
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Three `cairn serve` nodes on one PostgreSQL database under concurrent load, one of them
/// killed with SIGKILL midway: every acknowledged event is processed once, and each
/// customer's events apply in the order they were acknowledged.
@Suite struct MultiNodeTests {
    @Test(
        .enabled(if: PostgresServeTests.server != nil || PostgresServeTests.required, "CAIRN_TEST_POSTGRES is not set")
    )
    func threeNodesOneKilledNothingLostOrderHeld() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        let token = try await CairnBinary.createToken(database: database)
        var nodes: [RunningServer] = []
        for _ in 0..<3 { nodes.append(try await RunningServer.start(database: database)) }
        let targets = nodes
        let users = 12
        let rounds = 40
        let victim = nodes[2]
        let acknowledgedCount = SharedCount()

        // Each user's identifies go one after another, round-robin over the nodes; each carries
        // its round in a trait, all with one timestamp, so the last one applied is the one kept.
        let acknowledged = try await withThrowingTaskGroup(of: UserLoad.self) { group in
            for user in 0..<users {
                group.addTask {
                    var load = UserLoad(user: "user-\(user)")
                    for round in 0..<rounds {
                        let node = targets[(user + round) % targets.count]
                        let body = #"""
                            {"userId":"user-\#(user)","traits":{"round":\#(round)},"timestamp":"2024-01-01T00:00:00.000Z"}
                            """#
                        guard let id = try? await Self.post(to: node, token: token, body: body) else {
                            load.unanswered.append(round)
                            continue
                        }
                        acknowledgedCount.add()
                        load.ids.append(id)
                        load.lastRound = round
                    }
                    return load
                }
            }
            group.addTask {
                // Kill the node midway through the load: once a quarter of the events are acknowledged,
                // however long that takes on this machine (two minutes bound a hang).
                for _ in 0..<24000 where acknowledgedCount.current < users * rounds / 4 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                _ = await victim.stop(signal: SIGKILL)
                return UserLoad(user: "")
            }
            var results: [UserLoad] = []
            for try await result in group where !result.user.isEmpty { results.append(result) }
            return results
        }

        let survivor = nodes[0]
        try await survivor.withClient { client in
            let base = "/track/hea/hea/HEA/v1"
            for _ in 0..<400 {
                let (_, waiting) = try await client.fetch("\(base)/events?status=accepted&size=1", token: token)
                if waiting["events"]?.arrayValue?.isEmpty == true { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            var total = 0
            for load in acknowledged {
                let user = load.user
                total += load.ids.count
                for id in load.ids {
                    let (_, status) = try await client.fetch("\(base)/events/\(id)", token: token)
                    #expect(status["status"] == "processed", "event \(id) of \(user)")
                }
                // A request in flight on the killed node may have been stored without its answer
                // arriving: such an event counts too (as it would once its client retried), and
                // may be the last applied.
                let (_, profile) = try await client.fetch("\(base)/profiles/userId:\(user)/traits", token: token)
                guard case .number(let round)? = profile["traits"]?["round"], let kept = Int(round) else {
                    Issue.record("\(user) has no round")
                    continue
                }
                #expect(
                    kept == load.lastRound || load.unanswered.contains { $0 > load.lastRound && $0 == kept },
                    "\(user)"
                )
                let (_, timeline) = try await client.fetch(
                    "\(base)/profiles/userId:\(user)/events?size=100",
                    token: token
                )
                let stored = timeline["events"]?.arrayValue?.compactMap { $0["eventId"]?.stringValue } ?? []
                #expect(Set(stored).count == stored.count, "\(user): each event once")
                #expect(Set(load.ids).isSubset(of: stored), "\(user): every acknowledged event")
                #expect(stored.count <= load.ids.count + load.unanswered.count, "\(user): nothing else")
            }
            // Some events went to the killed node before it died, and most to the others.
            #expect(total > users * rounds / 2)
        }
        for node in nodes.dropLast() { #expect(await node.stop() == 0) }
    }

    @Test(
        .enabled(if: PostgresServeTests.server != nil || PostgresServeTests.required, "CAIRN_TEST_POSTGRES is not set")
    )
    func aTokensBudgetHoldsAcrossNodes() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        // A burst of 5 and one request every 1,000 s (the slowest rate a token may have): the burst
        // is the whole budget of the test, however slowly a loaded machine runs it.
        let token = try await CairnBinary.createToken(database: database, extra: ["--rate", "0.001", "--burst", "5"])
        let first = try await RunningServer.start(database: database, extraArguments: ["--log-level", "debug"])
        let second = try await RunningServer.start(database: database, extraArguments: ["--log-level", "debug"])
        let body = #"{"userId":"u","traits":{}}"#
        // Both nodes have made their first exchange (at start): what either spends now counts.
        #expect(await first.waitForLog(RateLimitLog.firstExchange))
        #expect(await second.waitForLog(RateLimitLog.firstExchange))
        let statuses = try await first.withClient { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: body).0)
            }
            return statuses
        }
        #expect(statuses == Array(repeating: .ok, count: 5))
        // The nodes exchange their counts every 250 ms: wait until the second has charged the first's five.
        #expect(await second.waitForLog { RateLimitLog.charged(in: $0) >= 5 })
        let (status, answer) = try await second.withClient { client in
            try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: body)
        }
        #expect(status == .tooManyRequests)
        #expect(answer["code"] == "rate_limit_exceeded")
        #expect(await first.stop() == 0)
        #expect(await second.stop() == 0)
    }

    /// Posts one identify; the event id when the node acknowledged it.
    static func post(to node: RunningServer, token: String, body: String) async throws -> String? {
        let (status, answer) = try await node.withClient { client in
            try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: body)
        }
        guard status == .ok else { return nil }
        return answer["eventId"]?.stringValue
    }
}

/// The debug lines `RateLimitSync` logs.
enum RateLimitLog {
    static let firstExchange = "rate limits: first exchange with the other nodes made"
    static let charged = "rate limits: charged what other nodes let through"

    /// The requests a node's log says it charged for other nodes, in all.
    static func charged(in log: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(charged) }.reduce(0) { total, line in
            guard let range = line.range(of: "requests=") else { return total }
            return total + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
        }
    }
}

/// What one user's share of the load got: the ids acknowledged, the round of the last one, and
/// the rounds whose requests got no answer (the node was killed, or was dead).
struct UserLoad: Sendable {
    var user: String
    var ids: [String] = []
    var lastRound = -1
    var unanswered: [Int] = []
}

/// A count shared by concurrent tasks.
final class SharedCount: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var current: Int { value.withLock { $0 } }
}
