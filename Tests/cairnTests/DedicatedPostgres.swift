import CairnTestFixtures
import Foundation

/// A PostgreSQL server of one test's own, which the test may stop and start again. Uses the
/// binaries scripts/test.sh found (`CAIRN_TEST_PG_BIN`), run as `CAIRN_TEST_PG_USER` when the
/// tests run as root (initdb refuses root).
final class DedicatedPostgres: Sendable {
    static let binaries = ProcessInfo.processInfo.environment["CAIRN_TEST_PG_BIN"]
    static let user = ProcessInfo.processInfo.environment["CAIRN_TEST_PG_USER"]

    let directory: URL
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var url: String { "postgres://cairn@127.0.0.1:\(port)/postgres?sslmode=disable" }

    init() async throws {
        guard Self.binaries != nil else { throw Failure(description: "CAIRN_TEST_PG_BIN is not set") }
        directory = try TemporaryDirectory.make()
        port = try TestPeer.freePort()
        if let user = Self.user {
            _ = try await CairnBinary.runTool("chown", [user, directory.path])
        }
        try await run(
            "initdb",
            ["-D", directory.appendingPathComponent("data").path, "-U", "cairn", "-A", "trust", "--no-sync"]
        )
        try await start()
    }

    func start() async throws {
        try await run(
            "pg_ctl",
            [
                "-D", directory.appendingPathComponent("data").path, "-l", directory.appendingPathComponent("log").path,
                "-w", "-o", "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1", "start",
            ]
        )
    }

    func stop() async throws {
        try await run("pg_ctl", ["-D", directory.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"])
    }

    /// Runs a PostgreSQL tool to its end, its output in `tools.log`. The child holds none of this
    /// process's descriptors (ChildProcess closes them), so neither does the server pg_ctl starts.
    private func run(_ tool: String, _ arguments: [String]) async throws {
        let path = (Self.binaries ?? "") + "/" + tool
        let invocation = (Self.user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [path] + arguments
        let log = directory.appendingPathComponent("tools.log").path
        let status = try await ChildProcess.run(
            invocation[0],
            Array(invocation.dropFirst()),
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
            output: .file(log),
            error: .file(log)
        )
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(tool) failed (status \(status)): \(output)")
        }
    }
}
