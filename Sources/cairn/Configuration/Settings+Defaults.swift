import CairnCore
import CairnServer
import CairnStorage

/// The defaults that `--help`, `cairn settings` and the README show, read from the initial values
/// of the configuration itself: each default is written once, where the configuration sets it,
/// so the words can never say one thing while the server does another.
enum SettingDefaults {
    static let app = AppConfiguration()

    /// A duration as the whole seconds its setting takes.
    static func seconds(_ duration: Duration) -> String {
        "\(duration.components.seconds)"
    }

    /// A switch as its setting takes it.
    static func onOff(_ enabled: Bool) -> String {
        enabled ? "on" : "off"
    }

    static var messageIdWindow: String {
        let seconds = app.ingest.messageIdWindow.components.seconds
        return seconds % 86_400 == 0 ? "\(seconds) (\(seconds / 86_400) days)" : "\(seconds)"
    }

    static var processorWorkers: String {
        let sqlite = DatabaseLocation.sqlite(path: "").defaultProcessorWorkers
        // Any PostgreSQL location has the same default; this one always parses.
        let postgres = try? DatabaseLocation(parsing: "postgres://cairn@localhost/cairn").defaultProcessorWorkers
        return "\(sqlite) on SQLite, \(postgres.map(String.init) ?? "?") on PostgreSQL"
    }

    /// The first retry's base wait, in the milliseconds its setting takes.
    static var sendRetryBase: String {
        "\(Int((app.sending.retry.baseSeconds * 1000).rounded()))"
    }
}
