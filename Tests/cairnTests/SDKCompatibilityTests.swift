import CairnCore
import CairnTestFixtures
import Foundation
import HummingbirdTesting
import Testing

/// The official Segment and RudderStack Python SDKs, from PyPI, against the real binary: only
/// their host and write key are set. `scripts/test.sh` installs them and sets `CAIRN_TEST_PYTHON`.
@Suite struct SDKCompatibilityTests {
    static let python = ProcessInfo.processInfo.environment["CAIRN_TEST_PYTHON"]
    /// Under CI the SDKs must be there: a missing interpreter fails rather than skips.
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sdk/send_with_sdks.py")
    let base = "/track/hea/hea/HEA/v1"

    @Test(.enabled(if: python != nil || required, "CAIRN_TEST_PYTHON is not set: run scripts/test.sh"))
    func segmentAndRudderStackSDKsWorkUnchanged() async throws {
        let python = try #require(Self.python, "scripts/test.sh installs the SDKs and sets CAIRN_TEST_PYTHON")
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("cairn.sqlite").path)
        let key = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database)

        let run = try await Self.runPython(python, [Self.script.path, "http://127.0.0.1:\(server.port)", key])
        #expect(run.status == 0, "the SDKs reported errors: \(run.output)")

        try await server.withClient { client in
            // Wait for the processor to apply everything that was accepted.
            for _ in 0..<200 {
                let (_, waiting) = try await client.fetch("\(base)/events?status=accepted&size=1", token: key)
                if waiting["events"]?.arrayValue?.isEmpty == true { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let (_, segmentUser) = try await client.fetch("\(base)/profiles/userId:seg-user/meta", token: key)
            #expect(segmentUser["identified"] == true)
            #expect(segmentUser["groups"] == ["acme"])
            #expect(segmentUser["anonymousIds"] == ["seg-device", "seg-old-id"])
            let (_, segmentTraits) = try await client.fetch("\(base)/profiles/userId:seg-user/traits", token: key)
            #expect(segmentTraits["traits"]?["email"] == "seg@example.com")
            let (_, group) = try await client.fetch("\(base)/groups/acme", token: key)
            #expect(group["traits"]?["employees"] == 42)
            // identify, track, page, screen, group, alias and one of the two identical payments.
            let segmentEvents = try await Self.count(client, "\(base)/events?userId=seg-user", key)
            #expect(segmentEvents == 7)
            let (_, paid) = try await client.fetch("\(base)/events?userId=seg-user&event=Paid", token: key)
            #expect(paid["events"]?.arrayValue?.count == 1)

            let (_, rudderUser) = try await client.fetch("\(base)/profiles/email:rs@example.com/meta", token: key)
            #expect(rudderUser["profiles"]?.arrayValue?.first?["userId"] == "rs-user", "\(rudderUser)")
            #expect(try await Self.count(client, "\(base)/events?userId=rs-user", key) == 252)
            let (_, failed) = try await client.fetch("\(base)/events?status=failed", token: key)
            #expect(failed["events"]?.arrayValue?.isEmpty == true)
        }
        #expect(await server.stop() == 0)
    }

    /// How many events a listing holds, paging 100 at a time.
    static func count(_ client: TestClient, _ path: String, _ key: String) async throws -> Int {
        var total = 0
        while true {
            let (_, page) = try await client.fetch("\(path)&size=100&from=\(total)", token: key)
            let items = page["events"]?.arrayValue ?? []
            total += items.count
            if items.count < 100 { return total }
        }
    }

    static func runPython(_ python: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outURL = try TemporaryDirectory.make().appendingPathComponent("python.log")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let status = try await ChildProcess.run(
            python,
            arguments,
            output: .file(outURL.path),
            error: .file(outURL.path)
        )
        return (status, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "")
    }
}
