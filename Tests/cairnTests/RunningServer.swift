import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A `cairn serve` process on a free port of 127.0.0.1.
final class RunningServer: Sendable {
    let process: ChildProcess
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

    private init(process: ChildProcess, port: Int, logURL: URL) {
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
        let process = try await ChildProcess.spawn(
            CairnBinary.url.path,
            ["serve", "--port", "0", "--database", database] + extraArguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CAIRN_") }
                .merging(environment) { $1 },
            output: .file(logURL.path),
            error: .file(logURL.path)
        )
        // Ready once it logs its port (a condition, looked at every 50 ms; two minutes bound a hang).
        for _ in 0..<2400 {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return RunningServer(process: process, port: port, logURL: logURL) }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.signal(SIGKILL)
        _ = await process.wait()
        throw Failure.didNotStart((try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits until the server's log holds `text` `count` times (a condition, not a time); false
    /// if it does not within `attempts` looks 20 ms apart (a minute: a bound on a hang, generous
    /// for a busy machine).
    func waitForLog(_ text: String, count: Int = 1, attempts: Int = 3000) async -> Bool {
        await waitForLog(attempts: attempts) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Waits until the server's log satisfies `condition`; false if it does not within `attempts` looks.
    func waitForLog(attempts: Int = 3000, _ condition: (String) -> Bool) async -> Bool {
        for _ in 0..<attempts {
            if condition(log) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        process.signal(signal)
        return await process.wait()
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
