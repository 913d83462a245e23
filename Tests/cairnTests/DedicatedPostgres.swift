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

    /// Runs a PostgreSQL tool through bash, which first closes every inherited descriptor above
    /// 2 so that the server pg_ctl starts holds none of this process's. It is spawned and waited
    /// for directly (posix_spawn, waitpid): Foundation's Process learns that a child ended when
    /// a socket it shares with it closes, which a long-lived grandchild would keep open.
    private func run(_ tool: String, _ arguments: [String]) async throws {
        let path = (Self.binaries ?? "") + "/" + tool
        let invocation = (Self.user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [path] + arguments
        let script = #"""
            for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done
            exec "$@" >>"$CAIRN_PG_TOOL_LOG" 2>&1 </dev/null
            """#
        let log = directory.appendingPathComponent("tools.log").path
        let status = try await Self.spawnAndWait(
            ["/bin/bash", "-c", script, "bash"] + invocation,
            environment: ["CAIRN_PG_TOOL_LOG=\(log)", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
        )
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(tool) failed (status \(status)): \(output)")
        }
    }

    private static func spawnAndWait(_ arguments: [String], environment: [String]) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var pid: pid_t = 0
                let argv = arguments.map { strdup($0) } + [nil]
                let envp = environment.map { strdup($0) } + [nil]
                defer {
                    for pointer in argv { free(pointer) }
                    for pointer in envp { free(pointer) }
                }
                let spawned = posix_spawn(&pid, arguments[0], nil, nil, argv, envp)
                guard spawned == 0 else {
                    continuation.resume(throwing: Failure(description: "posix_spawn failed: \(spawned)"))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let exited = (status & 0x7f) == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : -1)
            }
        }
    }
}
