import ArgumentParser
import CairnCore
import CairnStorage

struct AdminTokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-tokens",
        abstract: "Create, list and revoke admin tokens (the admin API's bearer tokens).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin token. Its secret is printed once, alone on the last line."
        )

        @Option(help: "What the token is for.") var name: String?
        @OptionGroup var storageOptions: StorageOptions

        func validate() throws {
            if let name,
                name.isEmpty || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                throw ValidationError("--name must be non-empty text without control characters.")
            }
        }

        func run() async throws {
            let (record, secret) = AdminTokenRecord.issue(name: name, now: SystemClock().now())
            try await storageOptions.withStores { stores, _ in try await stores.adminTokens.insert(record) }
            print("Created admin token \(record.id)\(name.map { " (\($0))" } ?? "").")
            print("Send it as Authorization: Bearer …; keep it safe, it is not shown again:")
            print(secret.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List admin tokens (never their secrets).")

        @OptionGroup var storageOptions: StorageOptions

        func run() async throws {
            let tokens = try await storageOptions.withStores { stores, _ in try await stores.adminTokens.list() }
            print(["ID", "NAME", "CREATED", "STATUS"].joined(separator: "\t"))
            for token in tokens {
                let status = token.revokedAt.map { "revoked \($0.iso8601)" } ?? "active"
                print([token.id, token.name ?? "-", token.createdAt.iso8601, status].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an admin token by its id; it stops at once.")

        @Argument(help: "The token id, as `cairn admin-tokens list` shows it.") var id: String
        @OptionGroup var storageOptions: StorageOptions

        func run() async throws {
            let id = self.id
            let revoked = try await storageOptions.withStores { stores, _ in
                try await stores.adminTokens.revoke(id: id, at: SystemClock().now())
            }
            guard revoked else { throw CLIError("No active admin token has the id \(id).") }
            print("Revoked admin token \(id).")
        }
    }
}
