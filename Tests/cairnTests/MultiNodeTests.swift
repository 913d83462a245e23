import CairnCore
import Foundation
import HTTPTypes
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

        // Each user's identifies go one after another, round-robin over the nodes; each carries
        // its round in a trait, all with one timestamp, so the last one applied is the one kept.
        let acknowledged = try await withThrowingTaskGroup(of: (String, [String], Int).self) { group in
            for user in 0..<users {
                group.addTask {
                    var ids: [String] = []
                    var lastRound = -1
                    for round in 0..<rounds {
                        let node = targets[(user + round) % targets.count]
                        let body = #"""
                            {"userId":"user-\#(user)","traits":{"round":\#(round)},"timestamp":"2024-01-01T00:00:00.000Z"}
                            """#
                        guard let id = try? await Self.post(to: node, token: token, body: body) else { continue }
                        ids.append(id)
                        lastRound = round
                    }
                    return ("user-\(user)", ids, lastRound)
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(400))
                _ = await victim.stop(signal: SIGKILL)
                return ("", [], -1)
            }
            var results: [(String, [String], Int)] = []
            for try await result in group where !result.0.isEmpty { results.append(result) }
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
            for (user, ids, lastRound) in acknowledged {
                total += ids.count
                for id in ids {
                    let (_, status) = try await client.fetch("\(base)/events/\(id)", token: token)
                    #expect(status["status"] == "processed", "event \(id) of \(user)")
                }
                let (_, profile) = try await client.fetch("\(base)/profiles/userId:\(user)/traits", token: token)
                #expect(profile["traits"]?["round"] == .number(String(lastRound)), "\(user)")
                let (_, timeline) = try await client.fetch(
                    "\(base)/profiles/userId:\(user)/events?size=100",
                    token: token
                )
                #expect(timeline["events"]?.arrayValue?.count == ids.count, "\(user): each event once")
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
        // A burst of 5 and one request every 10 s: the burst is the whole budget of the test.
        let token = try await CairnBinary.createToken(database: database, extra: ["--rate", "0.1", "--burst", "5"])
        let first = try await RunningServer.start(database: database)
        let second = try await RunningServer.start(database: database)
        let body = #"{"userId":"u","traits":{}}"#
        // Both nodes have made their first exchange (at start): what either spends now counts.
        try await Task.sleep(for: .milliseconds(500))
        let statuses = try await first.withClient { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(try await client.send("/track/hea/hea/HEA/v1/identify", token: token, body: body).0)
            }
            return statuses
        }
        #expect(statuses == Array(repeating: .ok, count: 5))
        // The nodes exchange their counts every 250 ms.
        try await Task.sleep(for: .milliseconds(1200))
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
