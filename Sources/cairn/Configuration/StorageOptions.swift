import ArgumentParser
import CairnServer
import CairnStorage
import Configuration
import Foundation

/// The flags every subcommand takes: the configuration file and the storage settings. With
/// the variables and the file they make one `SettingsReader`.
struct StorageOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Settings.config.helpText, valueName: Settings.config.valueName))
    var config: String?

    @Option(help: ArgumentHelp(Settings.database.helpText, valueName: Settings.database.valueName))
    var database: String?

    @Option(help: ArgumentHelp(Settings.poolSize.helpText, valueName: Settings.poolSize.valueName))
    var dbPoolSize: Int?

    @Option(help: ArgumentHelp(Settings.statementTimeout.helpText, valueName: Settings.statementTimeout.valueName))
    var dbStatementTimeout: Int?

    var flags: [Setting: ConfigContent] {
        var flags: [Setting: ConfigContent] = [:]
        if let config { flags[Settings.config] = .string(config) }
        if let database { flags[Settings.database] = .string(database) }
        if let dbPoolSize { flags[Settings.poolSize] = .int(dbPoolSize) }
        if let dbStatementTimeout { flags[Settings.statementTimeout] = .int(dbStatementTimeout) }
        return flags
    }

    /// The storage settings, from these flags, the environment and the file.
    func storage(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> StorageSettings {
        try await SettingsReader(flags: flags, environment: environment).storage()
    }

    /// Opens and migrates the database, runs `body` with its stores, then closes it.
    func withStores<Result: Sendable>(
        _ body: @Sendable (CairnStores, DatabaseLocation) async throws -> Result
    ) async throws -> Result {
        let storage = try await storage()
        let stores = try await Self.open(storage)
        return try await stores.whileRunning { try await body($0, storage.database) }
    }

    /// Opens and migrates the database, saying on stderr when that created a SQLite file.
    static func open(_ storage: StorageSettings) async throws -> CairnStores {
        var created = false
        if case .sqlite(let path) = storage.database { created = !FileManager.default.fileExists(atPath: path) }
        let stores = try await CairnStores.open(storage.database, settings: storage.connection)
        if created {
            FileHandle.standardError.write(
                Data("Created the database \(storage.database), which did not exist.\n".utf8)
            )
        }
        return stores
    }
}

/// A failure reported to the user as one sentence on stderr, with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
