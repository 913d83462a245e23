import ArgumentParser
import CairnServer
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Cairn server."
    )

    @Option(help: "Address to listen on. Also CAIRN_HOST. (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. Also CAIRN_PORT. (default: 8080)")
    var port: Int?

    @Option(help: "Largest request body accepted, in bytes. Also CAIRN_MAX_BODY_BYTES. (default: 6291456)")
    var maxBodyBytes: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Also CAIRN_LOG_LEVEL.")
    var logLevel: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Apply accepted events to customer profiles on this node. Also CAIRN_PROCESSOR=on|off. (default: on)"
    )
    var processor: Bool?

    @Option(
        help: ArgumentHelp(
            "Event batches this node processes side by side. Also CAIRN_PROCESSOR_WORKERS. "
                + "(default: 1 on SQLite, 2 on PostgreSQL)"
        )
    )
    var processorWorkers: Int?

    @Option(
        help: ArgumentHelp(
            "How long a Segment messageId keeps later messages with the same id and write key out, "
                + "in seconds. Also CAIRN_MESSAGE_ID_WINDOW. (default: 604800, 7 days)",
            valueName: "seconds"
        )
    )
    var messageIdWindow: Int?

    @Option(help: "Most connections to a PostgreSQL server. Also CAIRN_DB_POOL_SIZE. (default: 20)")
    var dbPoolSize: Int?

    @Option(
        help: ArgumentHelp(
            "Longest a PostgreSQL statement may run, in seconds. Also CAIRN_DB_STATEMENT_TIMEOUT. (default: 30)",
            valueName: "seconds"
        )
    )
    var dbStatementTimeout: Int?

    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let configuration = try serverConfiguration(environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let app = try await buildApplication(configuration)
        try await app.runService()
    }

    func serverConfiguration(environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.database = try databaseOptions.location(environment: environment)
        if let host = host ?? environment["CAIRN_HOST"] { configuration.host = host }
        if let port = try port ?? Self.integer(environment, "CAIRN_PORT") {
            guard (0...65535).contains(port) else { throw CLIError("The port must be between 0 and 65535.") }
            configuration.port = port
        }
        if let bytes = try maxBodyBytes ?? Self.integer(environment, "CAIRN_MAX_BODY_BYTES") {
            guard bytes > 0 else { throw CLIError("The largest body size must be a positive number of bytes.") }
            configuration.maxBodyBytes = bytes
        }
        if let seconds = try messageIdWindow ?? Self.integer(environment, "CAIRN_MESSAGE_ID_WINDOW") {
            guard seconds >= 0 else { throw CLIError("The messageId window must be zero or more seconds.") }
            configuration.deduplicationWindow = .seconds(seconds)
        }
        if let size = try dbPoolSize ?? Self.integer(environment, "CAIRN_DB_POOL_SIZE") {
            guard size > 0 else { throw CLIError("The database pool size must be at least 1.") }
            configuration.connection.poolSize = size
        }
        if let seconds = try dbStatementTimeout ?? Self.integer(environment, "CAIRN_DB_STATEMENT_TIMEOUT") {
            guard seconds > 0 else { throw CLIError("The statement timeout must be at least 1 second.") }
            configuration.connection.statementTimeout = .seconds(seconds)
        }
        if let enabled = try processor ?? Self.switchValue(environment, "CAIRN_PROCESSOR") {
            configuration.processorEnabled = enabled
        }
        if let workers = try processorWorkers ?? Self.integer(environment, "CAIRN_PROCESSOR_WORKERS") {
            guard (1...64).contains(workers) else { throw CLIError("The processor workers must be between 1 and 64.") }
            configuration.processorWorkers = workers
        }
        if let level = logLevel ?? environment["CAIRN_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw CLIError("Unknown log level \"\(level)\"; use trace, debug, info, notice, warning or error.")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }

    private static func switchValue(_ environment: [String: String], _ name: String) throws -> Bool? {
        guard let text = environment[name]?.lowercased() else { return nil }
        switch text {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw CLIError("\(name) must be on or off, not \"\(text)\".")
        }
    }

    private static func integer(_ environment: [String: String], _ name: String) throws -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text) else { throw CLIError("\(name) must be a whole number, not \"\(text)\".") }
        return value
    }
}
