import ArgumentParser
import CairnStorage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema, then exit."
    )

    @OptionGroup var storageOptions: StorageOptions

    func run() async throws {
        try await storageOptions.withStores { _, location in
            print("The database \(location) is up to date.")
        }
    }
}
