import Foundation
import Testing

/// `Tests/Peers/smtp_sink.py` (aiosmtpd) run for one test on a free port of 127.0.0.1.
final class SMTPTestSink: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The side file the sink writes beside each message.
    struct Envelope: Decodable {
        var mailFrom: String
        var rcptTos: [String]
        var mailOptions: [String]
        var wasTls: Bool
        var authLogin: String?
        var connection: Int
    }

    struct Delivery {
        var eml: [UInt8]
        var envelope: Envelope
        var text: String { String(decoding: eml, as: UTF8.self) }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = repository.appendingPathComponent("Tests/Peers/smtp_sink.py")
    static let python =
        ProcessInfo.processInfo.environment["CAIRN_TEST_PYTHON"]
        ?? repository.appendingPathComponent(".build/test-python/bin/python").path
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let skipMessage = Comment(
        rawValue: "aiosmtpd is not installed for the test Python (.build/test-python or CAIRN_TEST_PYTHON): "
            + "`.build/test-python/bin/pip install aiosmtpd`; under CI=true this is a failure, not a skip"
    )

    /// Whether the integration tests run: aiosmtpd importable, or CI (where its absence must fail).
    static func shouldRun() async -> Bool {
        if isCI { return true }
        return await (try? run(python, ["-c", "import aiosmtpd"])) == 0
    }

    /// A CA and a server certificate for 127.0.0.1 and localhost, made once per test run.
    static let certificates = Task<URL, any Error> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-smtp-ca-\(UUID())")
        let script = repository.appendingPathComponent("Tests/Peers/make_test_ca.sh").path
        let status = try await run("/bin/bash", [script, directory.path])
        guard status == 0 else { throw Failure(description: "make_test_ca.sh failed with status \(status)") }
        return directory
    }

    static var caPath: String {
        get async throws { try await certificates.value.appendingPathComponent("ca.pem").path }
    }

    let port: Int
    let spool: URL
    private let process: Process
    private let input: Pipe

    private init(port: Int, spool: URL, process: Process, input: Pipe) {
        self.port = port
        self.spool = spool
        self.process = process
        self.input = input
    }

    /// Starts a sink with these flags; `tls` adds the test certificate (STARTTLS, or implicit TLS
    /// with `--implicit-tls`).
    static func start(_ flags: [String] = [], tls: Bool = false) async throws -> SMTPTestSink {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-smtp-sink-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        var arguments = [
            script.path, "--port", "0", "--spool", directory.appendingPathComponent("spool").path,
            "--exit-on-stdin-eof",
        ]
        if tls {
            let certificates = try await certificates.value
            arguments += [
                "--tls-cert", certificates.appendingPathComponent("server.pem").path,
                "--tls-key", certificates.appendingPathComponent("server.key").path,
            ]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments + flags
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        // Ready once it prints its port (a condition, polled); it exits when its stdin closes.
        for _ in 0..<750 {
            let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            if let range = output.range(of: "ready "),
                let port = Int(output[range.upperBound...].prefix { $0.isNumber })
            {
                return SMTPTestSink(
                    port: port,
                    spool: directory.appendingPathComponent("spool"),
                    process: process,
                    input: input
                )
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        throw Failure(description: "smtp_sink.py did not start: \(errors)")
    }

    /// Starts a sink, runs `body` with it, stops it.
    static func with<Value>(
        _ flags: [String] = [],
        tls: Bool = false,
        _ body: (SMTPTestSink) async throws -> Value
    ) async throws -> Value {
        let sink = try await start(flags, tls: tls)
        defer { sink.stop() }
        return try await body(sink)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// The messages the sink accepted for `recipient`, in order.
    func deliveries(to recipient: String) throws -> [Delivery] {
        let directory = spool.appendingPathComponent(recipient.lowercased())
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let count = names.filter { $0.hasSuffix(".eml") }.count
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try (0..<count).map { index in
            let base = directory.appendingPathComponent("\(index + 1)")
            let eml = try Data(contentsOf: base.appendingPathExtension("eml"))
            let side = try Data(contentsOf: base.appendingPathExtension("json"))
            return Delivery(eml: Array(eml), envelope: try decoder.decode(Envelope.self, from: side))
        }
    }

    /// Runs a program to its end and gives its exit status.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}
