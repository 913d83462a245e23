import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A real browser (headless Chromium) on a page of another origin sends events as analytics.js
/// does: `text/plain` bodies with the write key inside to `/v1/t` and `/v1/p`, and a request
/// with an Authorization header, which makes the browser ask first (a CORS preflight).
@Suite struct BrowserTests {
    static let chromium = ProcessInfo.processInfo.environment["CAIRN_TEST_CHROMIUM"]

    @Test(.enabled(if: chromium != nil || TestEnvironment.isCI, "CAIRN_TEST_CHROMIUM is not set"))
    func aPageOnAnotherOriginRecordsItsEvents() async throws {
        let chromium = try #require(Self.chromium, "scripts/test.sh installs Chromium and sets CAIRN_TEST_CHROMIUM")
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("browser.sqlite").path)
        let key = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database)
        let basic = Data("\(key):".utf8).base64EncodedString()
        let cairn = "http://127.0.0.1:\(server.port)"
        let page = """
            <!doctype html><html><body><pre id="out">waiting</pre><script>
            async function send() {
              const results = [];
              const plain = (path, body) => fetch("\(cairn)" + path, {
                method: "POST", headers: {"Content-Type": "text/plain"},
                body: JSON.stringify(Object.assign({writeKey: "\(key)"}, body))});
              results.push((await plain("/v1/t", {type: "track", event: "Viewed", anonymousId: "visitor"})).status);
              results.push((await plain("/v1/p", {type: "page", name: "Home", anonymousId: "visitor"})).status);
              const withHeader = await fetch("\(cairn)/v1/identify", {
                method: "POST",
                headers: {"Content-Type": "application/json", "Authorization": "Basic \(basic)"},
                body: JSON.stringify({userId: "u1", anonymousId: "visitor", traits: {plan: "pro"}})});
              results.push(withHeader.status);
              document.getElementById("out").textContent = "statuses " + results.join(",");
            }
            send().catch(e => { document.getElementById("out").textContent = "failed " + e; });
            </script></body></html>
            """
        let directory = try TemporaryDirectory.make()
        try page.write(to: directory.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let pageServer = try await StaticPageServer.start(directory: directory)
        defer { pageServer.stop() }

        // Chromium itself, so that it is the child that gets the parent-death signal; a hang is
        // bounded at 90 s.
        let output = try await CairnBinary.runTool(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(try TemporaryDirectory.make().path)", "--virtual-time-budget=10000",
                "--dump-dom", "http://127.0.0.1:\(pageServer.port)/index.html",
            ],
            limit: .seconds(90)
        )
        #expect(output.stdout.contains("statuses 200,200,200"), "\(output.stdout)\n\(output.stderr.suffix(2000))")
        let listed = try await server.withClient { client in
            try await client.fetch("/track/hea/hea/HEA/v1/events", token: key)
        }
        let names = listed.1["events"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        #expect(names.sorted() == ["identify", "page", "track"])
        #expect(await server.stop() == 0)
    }
}

enum TestEnvironment {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
}

/// Python's static file server on a free port of loopback: the page's own origin.
struct StaticPageServer {
    struct NotReady: Error {}

    let process: ChildProcess
    let port: Int

    static func start(directory: URL) async throws -> StaticPageServer {
        let port = try await CairnBinary.runTool(
            "python3",
            ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let process = try await ChildProcess.spawn(
            "/usr/bin/env",
            ["python3", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", directory.path]
        )
        let number = Int(port) ?? 0
        // Ready once it answers (a condition, polled).
        for _ in 0..<200 {
            let probe = try await CairnBinary.runTool(
                "python3",
                ["-c", "import socket; socket.create_connection(('127.0.0.1', \(number)), timeout=1)"]
            )
            if probe.status == 0 { return StaticPageServer(process: process, port: number) }
            try await Task.sleep(for: .milliseconds(25))
        }
        process.signal(SIGKILL)
        throw NotReady()
    }

    func stop() {
        process.terminate()
    }
}
