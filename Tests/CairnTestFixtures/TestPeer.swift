public import Foundation

/// A test peer from `Tests/Peers/` (the SMTP sink, the Twilio stand-in) run by the test Python:
/// started on a free port of 127.0.0.1, ready once it prints `ready <port>`, stopped without
/// blocking a thread (a test's thread is one of a few shared ones).
public final class TestPeer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The repository's root, found from this file.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The test Python with aiosmtpd: `CAIRN_TEST_PYTHON` (scripts/test.sh sets it), else its venv.
    public static let python =
        ProcessInfo.processInfo.environment["CAIRN_TEST_PYTHON"]
        ?? repository.appendingPathComponent(".build/test-python/bin/python").path

    public let port: Int
    /// A fresh folder of the peer's own (its spool goes here).
    public let directory: URL
    private let process: ChildProcess

    private init(port: Int, directory: URL, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts `Tests/Peers/<script>` with `arguments`, in which `{dir}` stands for the peer's folder.
    public static func start(_ script: String, _ arguments: [String]) async throws -> TestPeer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-peer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("peer.log")
        let process = try await ChildProcess.spawn(
            python,
            [repository.appendingPathComponent("Tests/Peers/\(script)").path]
                + arguments.map { $0.replacingOccurrences(of: "{dir}", with: directory.path) },
            input: .pipe,
            output: .file(output.path),
            error: .file(output.path)
        )
        // Ready once it says so (a condition, looked at every 20 ms; a minute bounds a hang).
        for _ in 0..<3000 {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: "ready "), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                return TestPeer(port: port, directory: directory, process: process)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.signal(SIGKILL)
        _ = await process.wait()
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        throw Failure(description: "\(script) did not start (python \(python)):\n\(printed)")
    }

    /// The peer's log (what it printed).
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("peer.log"), encoding: .utf8)) ?? ""
    }

    /// Closes its input, sends SIGTERM, then SIGKILL if it still runs 5 s later; waits for the exit.
    public func stop() async {
        process.closeInput()
        process.terminate()
        _ = await process.wait(killingAfter: .seconds(5))
    }

    /// Runs `body` with a peer and stops the peer after, whatever `body` did.
    public static func with<Value>(
        _ script: String,
        _ arguments: [String],
        _ body: (TestPeer) async throws -> Value
    ) async throws -> Value {
        let peer = try await start(script, arguments)
        do {
            let value = try await body(peer)
            await peer.stop()
            return value
        } catch {
            await peer.stop()
            throw error
        }
    }

    /// The files under the peer's folder whose path contains `part`, as text, in path order.
    public func files(containing part: String) -> [String] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.path.contains(part), !url.hasDirectoryPath { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    /// A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost (`ca.pem`,
    /// `server.pem`, `server.key`), made once per test process.
    public static let certificates = Task<URL, any Error> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-ca-\(UUID())")
        let script = repository.appendingPathComponent("Tests/Peers/make_test_ca.sh").path
        let status = try await run("/bin/bash", [script, directory.path])
        guard status == 0 else { throw Failure(description: "make_test_ca.sh failed with status \(status)") }
        return directory
    }

    /// Runs a program to its end and gives its exit status, without blocking a thread.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        try await ChildProcess.run(executable, arguments)
    }

    /// A free port of 127.0.0.1 (bound, then let go), for a server whose URL must be known before it starts.
    public static func freePort() throws -> Int {
        let reservation = try PortReservation()
        reservation.release()
        return reservation.port
    }
}

/// A port of 127.0.0.1 held bound but not listening: a connection to it is refused, and no other
/// test's server can take it meanwhile (as one could take a port only found free). `release`
/// lets it go, for a server to start on it.
public final class PortReservation: Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw TestPeer.Failure(description: "no free port on 127.0.0.1")
        }
        self.socket = socket
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Lets the port go (once).
    public func release() {
        close(socket)
    }
}
