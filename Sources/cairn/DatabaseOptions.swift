import ArgumentParser
import CairnStorage
import Foundation

/// `--database`, shared by every subcommand; falls back to `CAIRN_DATABASE`, then to
/// `sqlite:cairn.sqlite` in the working directory.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where Cairn keeps its data: sqlite:PATH or postgres://user:password@host:port/database. "
                + "Also read from CAIRN_DATABASE. (default: sqlite:cairn.sqlite)"
        )
    )
    var database: String?

    func location(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseLocation {
        guard let text = database ?? environment["CAIRN_DATABASE"], !text.isEmpty else {
            return DatabaseLocation.defaultValue
        }
        do {
            return try DatabaseLocation(parsing: text)
        } catch {
            throw CLIError(error.description)
        }
    }
}

/// A failure reported to the user as one sentence on stderr, with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
