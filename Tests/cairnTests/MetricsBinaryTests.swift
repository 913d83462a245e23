import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `/metrics` of the real binary read by Prometheus's own Python client (`prometheus_client`'s
/// text parser), its numbers checked against the traffic sent.
@Suite struct MetricsBinaryTests {
    static let python = ProcessInfo.processInfo.environment["CAIRN_TEST_PYTHON"]

    /// The samples of `text` as Prometheus's parser reads them: `name{labels}` → value.
    static func parse(_ text: String, python: String) async throws -> [String: Double] {
        let script = """
            import sys, json
            from prometheus_client.parser import text_string_to_metric_families
            samples = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    samples[f"{s.name}{{{labels}}}"] = s.value
            print(json.dumps(samples))
            """
        let output = try await CairnBinary.runTool(python, ["-c", script], input: text)
        try #require(output.status == 0, "the Prometheus parser refused the text: \(output.stderr)")
        let json = try JSONParser.parse(Array(output.stdout.utf8))
        var samples: [String: Double] = [:]
        for (key, value) in json.objectValue ?? [:] {
            if case .number(let text) = value { samples[key] = Double(text) }
        }
        return samples
    }

    /// Identifies `count` users (`u0`, `u1`…) through the Track API.
    static func identify(_ count: Int, through client: TestClient, token: String) async throws {
        for index in 0..<count {
            let (status, _) = try await client.send(
                "/track/hea/hea/HEA/v1/identify",
                token: token,
                body: #"{"userId":"u\#(index)","traits":{}}"#
            )
            try #require(status == .ok)
        }
    }

    /// `/metrics` once `ready` says its text shows what the test waits for (a condition, polled).
    static func metrics(of client: TestClient, until ready: (String) -> Bool) async throws -> String {
        var text = ""
        for _ in 0..<800 {
            text = try await client.get("/metrics").body.map { String(buffer: $0) } ?? ""
            if ready(text) { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        return text
    }

    @Test(.enabled(if: python != nil || TestEnvironment.isCI, "CAIRN_TEST_PYTHON is not set"))
    func prometheusReadsTheNumbersOfTheTrafficSent() async throws {
        let python = try #require(Self.python, "scripts/test.sh sets CAIRN_TEST_PYTHON")
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("metrics.sqlite").path)
        let key = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database, environment: ["CAIRN_METRICS_TOKEN": "m-token"])
        let (refused, text) = try await server.withClient { client in
            for index in 0..<5 {
                _ = try await client.send(
                    "/track/hea/hea/HEA/v1/identify",
                    token: key,
                    body: #"{"userId":"u\#(index)","traits":{}}"#
                )
            }
            _ = try await client.send("/track/hea/hea/HEA/v1/track", token: key, body: #"{"event":"no user"}"#)
            let refused = try await client.get("/metrics").status
            // Waits until the processor has applied all five (a condition, polled).
            var text = ""
            for _ in 0..<200 {
                let response = try await client.get("/metrics", headers: [.authorization: "Bearer m-token"])
                text = response.body.map { String(buffer: $0) } ?? ""
                if text.contains("cairn_events_processed_total 5") { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            return (refused, text)
        }
        #expect(refused == .unauthorized)
        let samples = try await Self.parse(text, python: python)
        #expect(samples["cairn_events_accepted_total{surface=track}"] == 5)
        #expect(samples["cairn_events_processed_total{}"] == 5)
        let route = "/track/{clientId}/{accountId}/{brandId}/v1/{action}"
        #expect(samples["cairn_http_requests_total{method=POST,route=\(route),status=200}"] == 5)
        #expect(samples["cairn_http_requests_total{method=POST,route=\(route),status=400}"] == 1)
        #expect((samples["cairn_group_commit_events_count{}"] ?? 0) >= 1)
        #expect(samples["cairn_processor_lag_seconds_count{}"] == 5)
        #expect(!text.contains("m-token"))
        #expect(await server.stop() == 0)
    }

    @Test(.enabled(if: python != nil || TestEnvironment.isCI, "CAIRN_TEST_PYTHON is not set"))
    func theProcessorsBacklogIsAGauge() async throws {
        let python = try #require(Self.python, "scripts/test.sh sets CAIRN_TEST_PYTHON")
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("backlog.sqlite").path)
        let key = try await CairnBinary.createToken(database: database)
        // Events taken in but not applied: the processor is off on this node.
        let server = try await RunningServer.start(database: database, extraArguments: ["--no-processor"])
        let text = try await server.withClient { client in
            try await Self.identify(3, through: client, token: key)
            // The gauge is read every 5 s: wait for the reading after the three.
            return try await Self.metrics(of: client) { $0.contains("cairn_processor_backlog 3") }
        }
        let samples = try await Self.parse(text, python: python)
        #expect(samples["cairn_processor_backlog{}"] == 3)
        #expect(samples["cairn_outbox_depth{}"] == 0)
        #expect(await server.stop() == 0)
    }

    @Test(
        .enabled(
            if: (python != nil && PostgresServeTests.server != nil) || TestEnvironment.isCI,
            "CAIRN_TEST_PYTHON or CAIRN_TEST_POSTGRES is not set"
        )
    )
    func thePostgreSQLPoolsUseIsExported() async throws {
        let python = try #require(Self.python, "scripts/test.sh sets CAIRN_TEST_PYTHON")
        let database = try await PostgresServeTests.freshDatabase()
        let key = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database, extraArguments: ["--db-pool-size", "7"])
        let text = try await server.withClient { client in
            try await Self.identify(5, through: client, token: key)
            // The pool is read every 5 s: wait for a reading that counts the five appends.
            return try await Self.metrics(of: client) { text in
                let line = text.split(separator: "\n").first { $0.hasPrefix("cairn_db_pool_acquisitions_total ") }
                return (line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0) >= 5
            }
        }
        let samples = try await Self.parse(text, python: python)
        #expect(samples["cairn_db_pool_size{}"] == 7)
        #expect((samples["cairn_db_pool_acquisitions_total{}"] ?? 0) >= 5)
        #expect(samples["cairn_db_pool_wait_seconds_total{}"] != nil)
        #expect((samples["cairn_db_pool_in_use{}"] ?? -1) >= 0)
        #expect(samples["cairn_db_pool_waiting{}"] != nil)
        #expect(await server.stop() == 0)
    }
}
