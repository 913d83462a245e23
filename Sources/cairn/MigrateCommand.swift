import ArgumentParser
import CairnStorage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema, then exit."
    )

    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let location = try databaseOptions.location()
        _ = try await CairnStores.open(location)
        print("The database \(location) is up to date.")
    }
}
