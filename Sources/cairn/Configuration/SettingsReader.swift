import Configuration
import Foundation
import SystemPackage

/// Reads settings once, in this order: flags, then `CAIRN_*` variables, then the `--config`
/// file; the first that has a value wins. A value that is not what its setting takes is
/// refused with a sentence naming where it came from.
struct SettingsReader: Sendable {
    private let reader: ConfigReader
    private let flags: [String: ConfigValue]
    private let environment: [String: String]
    private let file: String?

    /// `flags`: the values given on the command line, by setting key.
    init(flags: [Setting: ConfigContent], environment: [String: String]) async throws {
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        var byKey: [String: ConfigValue] = [:]
        for (setting, content) in flags {
            let value = ConfigValue(content, isSecret: setting.isSecret)
            flagValues[AbsoluteConfigKey(setting.components)] = value
            byKey[setting.key] = value
        }
        // Each setting's key is looked up under its own CAIRN_* name.
        let names = Dictionary(uniqueKeysWithValues: Settings.all.map { ($0.components, $0.environment) })
        let variables = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific(Set(Settings.all.filter(\.isSecret).map(\.environment)))
        )
        .mapKeys { key in
            guard let name = names[key.components] else { return key }
            return AbsoluteConfigKey(name.lowercased().split(separator: "_").map(String.init))
        }
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flagValues), variables]
        let file: String?
        if case .string(let path)? = flags[Settings.config] {
            file = path
        } else {
            file = environment[Settings.config.environment].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let file {
            providers.append(try await Self.fileProvider(file))
        }
        self.reader = ConfigReader(providers: providers)
        self.flags = byKey
        self.environment = environment
        self.file = file
    }

    private static func fileProvider(_ path: String) async throws -> any ConfigProvider {
        let secrets = Set(Settings.all.filter(\.isSecret).map(\.key))
        do {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                return try await FileProvider<YAMLSnapshot>(
                    parsingOptions: .init(secretsSpecifier: .specific(secrets)),
                    filePath: FilePath(path)
                )
            }
            return try await FileProvider<JSONSnapshot>(
                parsingOptions: .init(secretsSpecifier: .specific(secrets)),
                filePath: FilePath(path)
            )
        } catch {
            // The parser's own words may quote the line at fault, and a line may hold the database password.
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("The configuration file \(path) does not exist.")
            }
            let kind = path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? "YAML" : "JSON"
            throw CLIError("The configuration file \(path) could not be read: it is not valid \(kind) of settings.")
        }
    }

    func string(_ setting: Setting) async throws -> String? {
        do {
            return try await reader.fetchString(forKey: ConfigKey(setting.components), isSecret: setting.isSecret)
        } catch {
            throw CLIError("\(source(of: setting)) must be text.")
        }
    }

    func int(_ setting: Setting) async throws -> Int? {
        do {
            return try await reader.fetchInt(forKey: ConfigKey(setting.components))
        } catch {
            throw CLIError("\(source(of: setting)) must be a whole number\(written(setting)).")
        }
    }

    /// A switch: a boolean, or on / off, true / false, yes / no, 1 / 0.
    func switchValue(_ setting: Setting) async throws -> Bool? {
        let key = ConfigKey(setting.components)
        do {
            return try await reader.fetchBool(forKey: key)
        } catch {
            // Not a boolean as the provider reads one: on / off are still words for it.
        }
        let text: String?
        do {
            text = try await reader.fetchString(forKey: key)
        } catch {
            throw CLIError("\(source(of: setting)) must be on or off.")
        }
        guard let text else { return nil }
        switch text.lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw CLIError("\(source(of: setting)) must be on or off, not \"\(text)\".")
        }
    }

    /// Where a setting's value came from, for a sentence about it.
    func source(of setting: Setting) -> String {
        if flags[setting.key] != nil { return "--\(setting.flag)" }
        if environment[setting.environment] != nil { return setting.environment }
        return "\(setting.key) in \(file ?? "the configuration file")"
    }

    /// ", not "…"" for a value from the environment (the only place a raw value is at hand); nothing for a secret.
    private func written(_ setting: Setting) -> String {
        guard !setting.isSecret, flags[setting.key] == nil, let text = environment[setting.environment] else {
            return ""
        }
        return ", not \"\(text)\""
    }
}
