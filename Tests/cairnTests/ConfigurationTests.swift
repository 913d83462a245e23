import ArgumentParser
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import Logging
import Testing

@testable import cairn

/// One configuration: flags, then CAIRN_* variables, then a --config file, read once into typed sections.
@Suite struct ConfigurationTests {
    func configuration(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> AppConfiguration
    {
        try await ServeCommand.parse(arguments).appConfiguration(environment: environment)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = try TemporaryDirectory.make().appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theDefaultsStandWhenNothingIsSaid() async throws {
        let configuration = try await configuration()
        #expect(configuration.http.port == 8080)
        #expect(configuration.http.host == "127.0.0.1")
        #expect(configuration.storage.database == .sqlite(path: "cairn.sqlite"))
        #expect(configuration.role == .all)
        #expect(configuration.processor.enabled)
        #expect(configuration.ingest.messageIdWindow == .seconds(604_800))
    }

    @Test func todaysVariableNamesKeepWorking() async throws {
        let configuration = try await configuration(environment: [
            "CAIRN_PORT": "9000", "CAIRN_HOST": "0.0.0.0", "CAIRN_MAX_BODY_BYTES": "200",
            "CAIRN_MESSAGE_ID_WINDOW": "1", "CAIRN_PROCESSOR": "off", "CAIRN_PROCESSOR_WORKERS": "3",
            "CAIRN_DB_POOL_SIZE": "7", "CAIRN_DB_STATEMENT_TIMEOUT": "9", "CAIRN_LOG_LEVEL": "debug",
            "CAIRN_DATABASE": "sqlite:/tmp/x.sqlite", "CAIRN_ROLE": "API",
        ])
        #expect(configuration.http.port == 9000)
        #expect(configuration.http.host == "0.0.0.0")
        #expect(configuration.ingest.maxBodyBytes == 200)
        #expect(configuration.ingest.messageIdWindow == .seconds(1))
        #expect(!configuration.processor.enabled)
        #expect(configuration.processor.workers == 3)
        #expect(configuration.storage.connection.poolSize == 7)
        #expect(configuration.storage.connection.statementTimeout == .seconds(9))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.storage.database == .sqlite(path: "/tmp/x.sqlite"))
        #expect(configuration.role == .api)
    }

    @Test func flagsWinOverVariablesAndVariablesOverTheFile() async throws {
        let path = try file("cairn.yaml", "http:\n  port: 7000\n  host: 10.0.0.1\nprocessor:\n  enabled: false\n")
        let fromFile = try await configuration(["--config", path])
        #expect(fromFile.http.port == 7000)
        #expect(fromFile.http.host == "10.0.0.1")
        #expect(!fromFile.processor.enabled)
        let fromVariable = try await configuration(["--config", path], environment: ["CAIRN_PORT": "7100"])
        #expect(fromVariable.http.port == 7100)
        #expect(fromVariable.http.host == "10.0.0.1")
        let fromFlag = try await configuration(
            ["--config", path, "--port", "7200", "--processor"],
            environment: ["CAIRN_PORT": "7100"]
        )
        #expect(fromFlag.http.port == 7200)
        #expect(fromFlag.processor.enabled)
    }

    @Test func aJSONFileNamedByTheEnvironmentIsRead() async throws {
        let path = try file("cairn.json", #"{"ingest":{"maxBodyBytes":4096},"storage":{"poolSize":3},"role":"worker"}"#)
        let configuration = try await configuration(environment: ["CAIRN_CONFIG": path])
        #expect(configuration.ingest.maxBodyBytes == 4096)
        #expect(configuration.storage.connection.poolSize == 3)
        #expect(configuration.role == .worker)
    }

    @Test func badValuesAreRefusedNamingWhereTheyCameFrom() async throws {
        let path = try file("bad.json", #"{"http":{"port":"eighty"}}"#)
        await #expect(throws: CLIError.self) { try await configuration(["--config", path]) }
        do {
            _ = try await configuration(["--config", path])
        } catch let error as CLIError {
            #expect(error.description == "http.port in \(path) must be a whole number.")
        }
        do {
            _ = try await configuration(environment: ["CAIRN_PROCESSOR": "maybe"])
            Issue.record("a bad switch is an error")
        } catch let error as CLIError {
            #expect(error.description == "CAIRN_PROCESSOR must be on or off, not \"maybe\".")
        }
        let missing = "/nonexistent/cairn.yaml"
        do {
            _ = try await configuration(["--config", missing])
            Issue.record("a missing configuration file is an error")
        } catch let error as CLIError {
            #expect(error.description == "The configuration file \(missing) does not exist.")
        }
    }

    @Test func aBrokenFileNeverPrintsWhatItHolds() async throws {
        let path = try file("broken.yaml", "storage:\n  database: postgres://cairn:hunter2@db/cairn\n  - [oops\n")
        do {
            _ = try await configuration(["--config", path])
            Issue.record("a broken file is an error")
        } catch let error as CLIError {
            #expect(
                error.description
                    == "The configuration file \(path) could not be read: it is not valid YAML of settings."
            )
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func aDatabasePasswordIsNeverInAnError() async throws {
        do {
            _ = try await configuration(environment: [
                "CAIRN_DATABASE": "postgres://cairn:hunter2@db:5432/cairn", "CAIRN_DB_POOL_SIZE": "x",
            ])
            Issue.record("a bad pool size is an error")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
        let configuration = try await configuration(environment: [
            "CAIRN_DATABASE": "postgres://cairn:hunter2@db:5432/cairn"
        ])
        #expect(!configuration.storage.database.description.contains("hunter2"))
    }

    @Test func theReadmeTableIsTheSettingsTable() throws {
        let readme = try String(
            contentsOfFile: #filePath.replacingOccurrences(
                of: "Tests/cairnTests/ConfigurationTests.swift",
                with: "README.md"
            ),
            encoding: .utf8
        )
        #expect(readme.contains(Settings.markdownTable), "README.md's table of settings is `cairn settings`")
        for setting in Settings.all {
            #expect(readme.contains(setting.environment))
        }
    }
}
