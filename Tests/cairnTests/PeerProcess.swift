import Foundation

/// A test peer from `Tests/Peers/` (the SMTP sink, the Twilio stand-in) run by the test Python on a
/// free port: started, waited on until it prints `ready <port>`, stopped with its test.
final class PeerProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python =
        ProcessInfo.processInfo.environment["CAIRN_TEST_PYTHON"]
        ?? repository.appendingPathComponent(".build/test-python/bin/python").path

    let port: Int
    let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts `Tests/Peers/<script>` with `arguments`; `{dir}` in them is a fresh folder of the peer's.
    static func start(_ script: String, _ arguments: [String]) async throws -> PeerProcess {
        let directory = try TemporaryDirectory.make()
        let output = directory.appendingPathComponent("peer.log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [repository.appendingPathComponent("Tests/Peers/\(script)").path]
            + arguments.map { $0.replacingOccurrences(of: "{dir}", with: directory.path) }
        let log = try FileHandle(forWritingTo: output)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<500 {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: "ready ") {
                if let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                    return PeerProcess(port: port, directory: directory, process: process)
                }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw Failure(
            description: "\(script) did not start: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")"
        )
    }

    /// A throwaway CA and a server certificate for 127.0.0.1 (`ca.pem`, `server.pem`, `server.key`).
    static func certificates() throws -> URL {
        let directory = try TemporaryDirectory.make()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("Tests/Peers/make_test_ca.sh").path, directory.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "make_test_ca.sh failed") }
        return directory
    }

    /// The files under the peer's folder whose path contains `part`, read as text, in name order.
    func files(containing part: String) -> [String] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.path.contains(part), !url.hasDirectoryPath { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    /// Kills the peer (SIGKILL: the asyncio sink does not stop on SIGTERM while serving) and waits for it.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A free port of 127.0.0.1 (bound, then let go), for a server whose public URL must be known first.
    static func freePort() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
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
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
