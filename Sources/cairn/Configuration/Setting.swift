/// One thing Cairn can be told: its key in a configuration file, its flag and its `CAIRN_*`
/// variable, and the words `--help` and the README use for it. `Settings.all` is the one list.
struct Setting: Sendable, Hashable {
    /// The dotted key in a configuration file (`http.port`); its first part is its section.
    let key: String
    /// The long flag, without the dashes (`port` for `--port`).
    let flag: String
    /// The environment variable (`CAIRN_PORT`).
    let environment: String
    /// What the value is, in help (`seconds`, `n`, `url`).
    let valueName: String
    let help: String
    /// The default, as help shows it.
    let defaultText: String
    /// A value that may hold a password: never printed.
    var isSecret = false

    /// The key's parts, as swift-configuration looks them up.
    var components: [String] { key.split(separator: ".").map(String.init) }

    /// `--help`'s words: what it does, where else it may come from, its default.
    var helpText: String {
        "\(help) Also \(environment) or \(key) in --config. (default: \(defaultText))"
    }

    /// A row of the README's table of settings.
    var markdownRow: String {
        "| `--\(flag)` | `\(environment)` | `\(key)` | \(help) | \(defaultText) |"
    }
}
