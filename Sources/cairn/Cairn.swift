import ArgumentParser

@main
struct Cairn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn, a self-hosted customer data platform.",
        subcommands: [
            ServeCommand.self, TokensCommand.self, AdminTokensCommand.self, MigrateCommand.self, SettingsCommand.self,
        ]
    )
}
