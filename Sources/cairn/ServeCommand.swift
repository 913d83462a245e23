import ArgumentParser
import CairnCore
import CairnServer
import CairnStorage
import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Cairn server.",
        discussion: "Every setting may also come from its CAIRN_* variable or a --config file; flags win over "
            + "variables, variables over the file. `cairn settings` prints them all as a table."
    )

    @Option(help: help(Settings.host)) var host: String?
    @Option(help: help(Settings.port)) var port: Int?
    @Option(help: help(Settings.idleTimeout)) var httpIdleTimeout: Int?
    @Option(help: help(Settings.bodyTimeout)) var httpBodyTimeout: Int?
    @Option(help: help(Settings.maxConnections)) var httpMaxConnections: Int?
    @Option(help: help(Settings.role)) var role: String?
    @Option(help: help(Settings.maxBodyBytes)) var maxBodyBytes: Int?
    @Option(help: help(Settings.messageIdWindow)) var messageIdWindow: Int?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(Settings.processor.helpText)) var processor: Bool?
    @Option(help: help(Settings.processorWorkers)) var processorWorkers: Int?
    @Option(help: help(Settings.regulationLease)) var regulationLease: Int?
    @Option(help: help(Settings.regulationAttempts)) var regulationAttempts: Int?
    @Option(help: help(Settings.metricsToken)) var metricsToken: String?
    @Option(help: help(Settings.logLevel)) var logLevel: String?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(Settings.outbox.helpText)) var outbox: Bool?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(Settings.journeys.helpText)) var journeys: Bool?
    @Option(help: help(Settings.publicURL)) var publicUrl: String?
    @Option(help: help(Settings.secretKey)) var secretKey: String?
    @Option(help: help(Settings.smtpURL)) var smtpUrl: String?
    @Option(help: help(Settings.smtpFrom)) var smtpFrom: String?
    @Option(help: help(Settings.twilioAccountSid)) var twilioAccountSid: String?
    @Option(help: help(Settings.twilioAuthToken)) var twilioAuthToken: String?
    @Option(help: help(Settings.twilioFrom)) var twilioFrom: String?
    @Option(help: help(Settings.twilioBaseURL)) var twilioBaseUrl: String?
    @Option(help: help(Settings.sendAttempts)) var sendAttempts: Int?
    @Option(help: help(Settings.sendRetryBase)) var sendRetryBaseMs: Int?
    @Option(help: help(Settings.sendLease)) var sendLease: Int?
    @Option(help: help(Settings.journeyLease)) var journeyLease: Int?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(Settings.allowPrivateURLs.helpText)) var allowPrivateUrls: Bool?
    @Option(help: help(Settings.caDirectory)) var caDirectory: String?
    @Option(help: help(Settings.pushDeviceExpiry)) var pushDeviceExpiry: Int?
    @Option(help: help(Settings.fcmServiceAccount)) var fcmServiceAccount: String?
    @Option(help: help(Settings.vapidSubject)) var vapidSubject: String?
    @Option(help: help(Settings.printSpool)) var printSpool: String?
    @Option(help: help(Settings.printPDFRenderer)) var printPdfRenderer: String?
    @OptionGroup var storageOptions: StorageOptions

    private static func help(_ setting: Setting) -> ArgumentHelp {
        ArgumentHelp(setting.helpText, valueName: setting.valueName)
    }

    func run() async throws {
        var configuration = try await appConfiguration(environment: ProcessInfo.processInfo.environment)
        let logLevel = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        Self.raiseDescriptorLimit()
        let stores = try await StorageOptions.open(configuration.storage)
        if configuration.sending.secretKey == nil {
            configuration.sending.secretKey = try Self.keyFileKey(for: configuration.storage.database)
        }
        let app = try await buildApplication(configuration, dependencies: AppDependencies(stores: stores))
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            let http = configuration.http
            throw CLIError(
                "Port \(http.port) on \(http.host) is already in use by another program: stop it, or choose another "
                    + "port with --port or CAIRN_PORT."
            )
        }
    }

    /// Lets this process open as many descriptors as the system allows it (the soft limit is
    /// often 1024), so that `--http-max-connections`, not the descriptor limit, caps connections.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }

    func appConfiguration(environment: [String: String]) async throws -> AppConfiguration {
        var flags = storageOptions.flags
        if let host { flags[Settings.host] = .string(host) }
        if let port { flags[Settings.port] = .int(port) }
        if let httpIdleTimeout { flags[Settings.idleTimeout] = .int(httpIdleTimeout) }
        if let httpBodyTimeout { flags[Settings.bodyTimeout] = .int(httpBodyTimeout) }
        if let httpMaxConnections { flags[Settings.maxConnections] = .int(httpMaxConnections) }
        if let role { flags[Settings.role] = .string(role) }
        if let maxBodyBytes { flags[Settings.maxBodyBytes] = .int(maxBodyBytes) }
        if let messageIdWindow { flags[Settings.messageIdWindow] = .int(messageIdWindow) }
        if let processor { flags[Settings.processor] = .bool(processor) }
        if let processorWorkers { flags[Settings.processorWorkers] = .int(processorWorkers) }
        if let regulationLease { flags[Settings.regulationLease] = .int(regulationLease) }
        if let regulationAttempts { flags[Settings.regulationAttempts] = .int(regulationAttempts) }
        if let outbox { flags[Settings.outbox] = .bool(outbox) }
        if let journeys { flags[Settings.journeys] = .bool(journeys) }
        if let metricsToken { flags[Settings.metricsToken] = .string(metricsToken) }
        if let logLevel { flags[Settings.logLevel] = .string(logLevel) }
        let texts: [(Setting, String?)] = [
            (Settings.publicURL, publicUrl), (Settings.secretKey, secretKey), (Settings.smtpURL, smtpUrl),
            (Settings.smtpFrom, smtpFrom), (Settings.twilioAccountSid, twilioAccountSid),
            (Settings.twilioAuthToken, twilioAuthToken), (Settings.twilioFrom, twilioFrom),
            (Settings.twilioBaseURL, twilioBaseUrl), (Settings.fcmServiceAccount, fcmServiceAccount),
            (Settings.vapidSubject, vapidSubject), (Settings.printSpool, printSpool),
            (Settings.printPDFRenderer, printPdfRenderer),
        ]
        for case (let setting, let value?) in texts { flags[setting] = .string(value) }
        if let sendAttempts { flags[Settings.sendAttempts] = .int(sendAttempts) }
        if let sendRetryBaseMs { flags[Settings.sendRetryBase] = .int(sendRetryBaseMs) }
        if let sendLease { flags[Settings.sendLease] = .int(sendLease) }
        if let journeyLease { flags[Settings.journeyLease] = .int(journeyLease) }
        if let allowPrivateUrls { flags[Settings.allowPrivateURLs] = .bool(allowPrivateUrls) }
        if let caDirectory { flags[Settings.caDirectory] = .string(caDirectory) }
        if let pushDeviceExpiry { flags[Settings.pushDeviceExpiry] = .int(pushDeviceExpiry) }
        let reader = try await SettingsReader(flags: flags, environment: environment)
        return try await reader.application()
    }
}

/// `cairn settings`: every setting as the README's table shows it.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Print every setting (flag, CAIRN_* variable, file key, default) as a Markdown table."
    )

    func run() {
        print(Settings.markdownTable)
    }
}
