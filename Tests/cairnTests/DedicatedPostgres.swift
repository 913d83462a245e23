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
        port = try Self.freePort()
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

    /// Runs a PostgreSQL tool through bash, which first closes every inherited descriptor above
    /// 2: Foundation learns that a child ended when a socket it shares with it closes, and a
    /// server started by pg_ctl would otherwise hold that socket open for as long as it runs.
    private func run(_ tool: String, _ arguments: [String]) async throws {
        let path = (Self.binaries ?? "") + "/" + tool
        let invocation = (Self.user.map { ["runuser", "-u", $0, "--"] } ?? []) + [path] + arguments
        let script = #"""
            for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done
            exec "$@"
            """#
        let output = try await CairnBinary.runTool("bash", ["-c", script, "bash"] + invocation)
        guard output.status == 0 else { throw Failure(description: "\(tool) failed: \(output.stderr)") }
    }

    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
