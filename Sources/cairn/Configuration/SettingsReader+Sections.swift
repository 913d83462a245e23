import CairnCore
import CairnServer
import CairnStorage
import Logging

/// The typed sections of the configuration, each read from its settings and checked.
extension SettingsReader {
    func storage() async throws -> StorageSettings {
        var storage = StorageSettings()
        if let text = try await string(Settings.database), !text.isEmpty {
            do {
                storage.database = try DatabaseLocation(parsing: text)
            } catch {
                throw CLIError(error.description)
            }
        }
        if let size = try await int(Settings.poolSize) {
            guard size > 0 else { throw CLIError("The database pool size must be at least 1.") }
            storage.connection.poolSize = size
        }
        if let seconds = try await int(Settings.statementTimeout) {
            guard seconds > 0 else { throw CLIError("The statement timeout must be at least 1 second.") }
            storage.connection.statementTimeout = .seconds(seconds)
        }
        return storage
    }

    func application() async throws -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.storage = try await storage()
        if let host = try await string(Settings.host) { configuration.http.host = host }
        if let port = try await int(Settings.port) {
            guard (0...65535).contains(port) else { throw CLIError("The port must be between 0 and 65535.") }
            configuration.http.port = port
        }
        if let seconds = try await int(Settings.idleTimeout) {
            guard (1...86_400).contains(seconds) else {
                throw CLIError("The idle timeout must be between 1 second and 86400 (a day).")
            }
            configuration.http.idleTimeout = .seconds(seconds)
        }
        if let seconds = try await int(Settings.bodyTimeout) {
            guard (1...86_400).contains(seconds) else {
                throw CLIError("The body timeout must be between 1 second and 86400 (a day).")
            }
            configuration.http.bodyTimeout = .seconds(seconds)
        }
        if let count = try await int(Settings.maxConnections) {
            guard count > 0 else { throw CLIError("The most connections must be at least 1.") }
            configuration.http.maxConnections = count
        }
        if let bytes = try await int(Settings.maxBodyBytes) {
            guard bytes > 0 else { throw CLIError("The largest body size must be a positive number of bytes.") }
            configuration.ingest.maxBodyBytes = bytes
        }
        if let seconds = try await int(Settings.messageIdWindow) {
            guard seconds >= 0 else { throw CLIError("The messageId window must be zero or more seconds.") }
            configuration.ingest.messageIdWindow = .seconds(seconds)
        }
        if let enabled = try await switchValue(Settings.processor) { configuration.processor.enabled = enabled }
        if let workers = try await int(Settings.processorWorkers) {
            guard (1...64).contains(workers) else { throw CLIError("The processor workers must be between 1 and 64.") }
            configuration.processor.workers = workers
        }
        if let lease = try await int(Settings.regulationLease) {
            guard (1...86_400).contains(lease) else {
                throw CLIError("The regulation lease must be between 1 second and a day (86400).")
            }
            configuration.regulations.lease = .seconds(lease)
        }
        if let attempts = try await int(Settings.regulationAttempts) {
            guard (1...1000).contains(attempts) else {
                throw CLIError("The regulation attempts must be between 1 and 1000.")
            }
            configuration.regulations.retry.maxAttempts = attempts
        }
        if let text = try await string(Settings.role) {
            guard let role = NodeRole(rawValue: text.lowercased()) else {
                throw CLIError("Unknown role \"\(text)\" (\(source(of: Settings.role))); use all, api or worker.")
            }
            configuration.role = role
        }
        configuration.sending = try await sending()
        try await readPrint(into: &configuration.sending, database: configuration.storage.database)
        if let enabled = try await switchValue(Settings.journeys) { configuration.journeysEnabled = enabled }
        if let lease = try await int(Settings.journeyLease) {
            guard (1...86_400).contains(lease) else {
                throw CLIError("The journey lease must be between 1 second and a day (86400).")
            }
            configuration.journeyLease = .seconds(lease)
        }
        if let token = try await string(Settings.metricsToken), !token.isEmpty {
            configuration.metricsToken = token
        }
        if let level = try await string(Settings.logLevel) {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw CLIError("Unknown log level \"\(level)\"; use trace, debug, info, notice, warning or error.")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }
}
