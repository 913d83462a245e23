import CairnTestFixtures
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

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let skipMessage = Comment(
        rawValue: "aiosmtpd is not installed for the test Python (.build/test-python or CAIRN_TEST_PYTHON): "
            + "`.build/test-python/bin/pip install aiosmtpd`; under CI=true this is a failure, not a skip"
    )

    /// Whether the integration tests run: aiosmtpd importable, or CI (where its absence must fail).
    static func shouldRun() async -> Bool {
        if isCI { return true }
        return await (try? TestPeer.run(TestPeer.python, ["-c", "import aiosmtpd"])) == 0
    }

    static var caPath: String {
        get async throws { try await TestPeer.certificates.value.appendingPathComponent("ca.pem").path }
    }

    let peer: TestPeer
    var port: Int { peer.port }
    var spool: URL { peer.directory.appendingPathComponent("spool") }

    private init(peer: TestPeer) {
        self.peer = peer
    }

    /// Starts a sink with these flags; `tls` adds the test certificate (STARTTLS, or implicit TLS
    /// with `--implicit-tls`). It exits when its standard input closes, should the test not stop it.
    static func start(_ flags: [String] = [], tls: Bool = false) async throws -> SMTPTestSink {
        var arguments = ["--port", "0", "--spool", "{dir}/spool", "--exit-on-stdin-eof"]
        if tls {
            let certificates = try await TestPeer.certificates.value
            arguments += [
                "--tls-cert", certificates.appendingPathComponent("server.pem").path,
                "--tls-key", certificates.appendingPathComponent("server.key").path,
            ]
        }
        return SMTPTestSink(peer: try await TestPeer.start("smtp_sink.py", arguments + flags))
    }

    /// Starts a sink, runs `body` with it, stops it.
    static func with<Value>(
        _ flags: [String] = [],
        tls: Bool = false,
        _ body: (SMTPTestSink) async throws -> Value
    ) async throws -> Value {
        let sink = try await start(flags, tls: tls)
        do {
            let value = try await body(sink)
            await sink.stop()
            return value
        } catch {
            await sink.stop()
            throw error
        }
    }

    func stop() async {
        await peer.stop()
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
}
