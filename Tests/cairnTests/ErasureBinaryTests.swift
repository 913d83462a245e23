import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 22: a customer fed in through every ingest surface (Track single calls and batches,
/// Segment's batch with messageIds, Salesmachine's batch), thousands of events among other
/// customers' while the processor keeps up, then deleted: no id of theirs is left in the SQLite
/// file or its write-ahead log, read while the server still runs and again after it is killed.
@Suite struct ErasureBinaryTests {
    @Test func aCustomerFedThroughEverySurfaceLeavesNoTraceInTheFile() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("erase.sqlite").path
        let database = "sqlite:" + path
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let server = try await RunningServer.start(database: database)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let (userId, anonymousId, messageMark) = ("gone-\(tag)", "gone-anon-\(tag)", "gone-mid-\(tag)")
        let marks = [userId, anonymousId, messageMark]

        @Sendable func item(_ index: Int, ours: Bool) -> String {
            let pad = String(repeating: "p", count: 20 + (index * 37) % 700)
            let user = ours ? userId : "other-\(index % 17)"
            let anonymous = ours ? anonymousId : "other-anon-\(index % 17)"
            return #"{"type":"track","userId":"\#(user)","anonymousId":"\#(anonymous)","event":"Viewed","#
                + #""messageId":"\#(ours ? messageMark : "m")-\#(index)","properties":{"pad":"\#(pad)"}}"#
        }
        let lastEventId = try await server.withClient { client in
            var lastEventId = ""
            for round in 0..<8 {
                let base = round * 1000
                // Track batches.
                let batch = (0..<100).map { item(base + $0, ours: $0 % 3 == 0) }.joined(separator: ",")
                let (trackStatus, tracked) = try await client.send(
                    "/track/hea/hea/HEA/v1/batch",
                    token: token,
                    body: #"{"batch":[\#(batch)]}"#
                )
                try #require(trackStatus == .ok, "\(tracked)")
                // Segment batches, with messageIds.
                let segment = (100..<200).map { item(base + $0, ours: $0 % 3 == 0) }.joined(separator: ",")
                let basic = "Basic " + Data("\(token):".utf8).base64EncodedString()
                let answer = try await client.post(
                    "/v1/batch",
                    headers: [.contentType: "application/json", .authorization: basic],
                    body: ByteBuffer(string: #"{"batch":[\#(segment)]}"#)
                )
                try #require(answer.status == .ok)
                // Salesmachine batches.
                let salesmachine = (200..<250).map { index in
                    let user = index % 3 == 0 ? userId : "other-\(index % 17)"
                    return #"{"method":"event","contact_uid":"\#(user)","event_uid":"login","#
                        + #""params":{"n":\#(base + index)}}"#
                }.joined(separator: ",")
                let sold = try await client.post(
                    "/v1/batch?api_token=\(token)",
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "[\(salesmachine)]")
                )
                try #require(sold.status == .ok)
                // Single calls.
                for index in 250..<260 {
                    let (status, single) = try await client.send(
                        "/track/hea/hea/HEA/v1/track",
                        token: token,
                        body: item(base + index, ours: true)
                    )
                    try #require(status == .ok, "\(single)")
                    lastEventId = single["eventId"]?.stringValue ?? ""
                }
            }
            let identify = #"{"userId":"\#(userId)","traits":{"email":"\#(tag)@example.org"}}"#
            let (status, identified) = try await client.send(
                "/track/hea/hea/HEA/v1/identify",
                token: token,
                body: identify
            )
            try #require(status == .ok)
            return identified["eventId"]?.stringValue ?? lastEventId
        }
        _ = try await SendTests.waitForStatus(server, token, lastEventId)

        // The deletion, through the admin API.
        let regulation = try await server.withClient { client in
            try await client.admin(
                .post,
                "/admin/v1/brands/hea/hea/HEA/regulations",
                token: admin,
                body: #"{"type":"delete","subject":{"userId":"\#(userId)"}}"#
            )
        }
        try #require(regulation.0 == .accepted, "\(regulation.1)")
        let id = try #require(regulation.1["regulation"]?["id"]?.stringValue)
        var status: JSONValue = .null
        for _ in 0..<1500 where status != "done" {
            status =
                try await server.withClient { client in
                    try await client.admin(.get, "/admin/v1/brands/hea/hea/HEA/regulations/\(id)", token: admin)
                }.1["regulation"]?["status"] ?? .null
            if status == "failed" { break }
            if status != "done" { try await Task.sleep(for: .milliseconds(20)) }
        }
        try #require(status == "done", "\(server.log)")

        let whileRunning = Self.copies(of: marks, in: [path, path + "-wal"])
        #expect(whileRunning.values.allSatisfy { $0 == 0 }, "in the running server's files: \(whileRunning)")
        _ = await server.stop(signal: SIGKILL)
        let afterKill = Self.copies(of: marks + ["\(tag)@example.org"], in: [path, path + "-wal"])
        #expect(afterKill.values.allSatisfy { $0 == 0 }, "in the files after a kill: \(afterKill)")
        // The search reads the file: the other customers are there.
        #expect(Self.copies(of: ["other-anon-5"], in: [path])["other-anon-5", default: 0] > 0)
    }

    /// How often each of `needles` occurs in the bytes of `files` (those that exist).
    static func copies(of needles: [String], in files: [String]) -> [String: Int] {
        var found: [String: Int] = [:]
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            for needle in needles {
                var start = bytes.startIndex
                while let range = bytes.range(of: Data(needle.utf8), in: start..<bytes.endIndex) {
                    found[needle, default: 0] += 1
                    start = range.upperBound
                }
                found[needle, default: 0] += 0
            }
        }
        return found
    }
}
