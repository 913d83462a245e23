import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The built `cairn` executable, run as a user would run it.
enum CairnBinary {
    /// Next to the test bundle in the build folder, or `CAIRN_BINARY` when set.
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["CAIRN_BINARY"] { return URL(fileURLWithPath: path) }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("cairn") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs a subcommand to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await launch(url, arguments, environment: environment)
    }

    /// Runs another program found on PATH (such as `psql`) to completion, `input` on its stdin;
    /// killed if it still runs after `limit`, when one is given (a bound on a hang).
    static func runTool(
        _ name: String,
        _ arguments: [String],
        input: String? = nil,
        limit: Duration? = nil
    ) async throws -> Output {
        try await launch(
            URL(fileURLWithPath: "/usr/bin/env"),
            [name] + arguments,
            environment: [:],
            input: input,
            limit: limit
        )
    }

    private static func launch(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String],
        input: String? = nil,
        limit: Duration? = nil
    ) async throws -> Output {
        let directory = try TemporaryDirectory.make()
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        var standardInput = ChildProcess.Input.null
        if let input {
            let inURL = directory.appendingPathComponent("stdin")
            try input.write(to: inURL, atomically: true, encoding: .utf8)
            standardInput = .file(inURL.path)
        }
        let child = try await ChildProcess.spawn(
            executable.path,
            arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CAIRN_") }
                .merging(environment) { $1 },
            input: standardInput,
            output: .file(outURL.path),
            error: .file(errURL.path)
        )
        let status = if let limit { await child.wait(killingAfter: limit) } else { await child.wait() }
        return Output(
            status: status,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8)
        )
    }

    /// Creates a token with the CLI and returns its secret.
    static func createToken(database: String, brand: String? = "HEA", extra: [String] = []) async throws -> String {
        var arguments = ["tokens", "create", "--client", "hea", "--account", "hea", "--database", database] + extra
        if let brand { arguments += ["--brand", brand] }
        let output = try await run(arguments)
        try #require(output.status == 0, "tokens create failed: \(output.stderr)")
        return output.lastLine
    }
}

enum TemporaryDirectory {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
