import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A `cairn serve` process on a free port of 127.0.0.1.
final class RunningServer: Sendable {
    let process: Process
    let port: Int
    let logURL: URL

    enum Failure: Error, CustomStringConvertible {
        case didNotStart(String)

        var description: String {
            switch self {
            case .didNotStart(let log): return "cairn serve did not start; its log:\n\(log)"
            }
        }
    }

    private init(process: Process, port: Int, logURL: URL) {
        self.process = process
        self.port = port
        self.logURL = logURL
    }

    static func start(
        database: String,
        extraArguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> RunningServer {
        let logURL = try TemporaryDirectory.make().appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let process = Process()
        process.executableURL = CairnBinary.url
        process.arguments = ["serve", "--port", "0", "--database", database] + extraArguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CAIRN_") }
            .merging(environment) { $1 }
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<300 {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return RunningServer(process: process, port: port, logURL: logURL) }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw Failure.didNotStart((try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits until the server's log holds `text` `count` times (a condition, not a time); false
    /// if it does not within `attempts` looks 20 ms apart.
    func waitForLog(_ text: String, count: Int = 1, attempts: Int = 500) async -> Bool {
        await waitForLog(attempts: attempts) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Waits until the server's log satisfies `condition`; false if it does not within `attempts` looks.
    func waitForLog(attempts: Int = 500, _ condition: (String) -> Bool) async -> Bool {
        for _ in 0..<attempts {
            if condition(log) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        kill(process.processIdentifier, signal)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    func withClient<Value: Sendable>(
        _ operation: @escaping @Sendable (TestClient) async throws -> Value
    ) async throws
        -> Value
    {
        try await TestClient.withClient(
            host: "127.0.0.1",
            port: port,
            configuration: .init(timeout: .seconds(10)),
            operation: operation
        )
    }
}

extension TestClient {
    func send(_ path: String, token: String, body: String) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await post(
            path,
            headers: [.contentType: "application/json", HTTPField.Name("auth-token")!: token],
            body: ByteBuffer(string: body)
        )
        return (response.status, Self.json(response))
    }

    func fetch(_ path: String, token: String) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await get(path, headers: [HTTPField.Name("auth-token")!: token])
        return (response.status, Self.json(response))
    }

    private static func json(_ response: TestClient.Response) -> JSONValue {
        guard let body = response.body else { return .null }
        return (try? JSONParser.parse(Array(body.readableBytesView))) ?? .null
    }
}
