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
        @Option(help: "CLIENT/ACCOUNT/BRAND: the one brand the token administers (default: every brand).")
        var brand: String?
        @OptionGroup var storageOptions: StorageOptions

        func validate() throws {
            if let name, let problem = AdminTokenRules.nameProblem(name) { throw ValidationError("--" + problem) }
            if brand != nil { _ = try tenant() }
        }

        /// `--brand c/a/b` as a tenant, each id held to the grammar of ids.
        func tenant() throws -> Tenant? {
            guard let brand else { return nil }
            let parts = brand.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts.allSatisfy(TenantIdGrammar.isValid) else {
                throw ValidationError(
                    "--brand must be CLIENT/ACCOUNT/BRAND, each id 1 to \(TenantIdGrammar.maximumBytes) letters, "
                        + "digits, '-', '_', '.' or '~'."
                )
            }
            return Tenant(clientId: parts[0], accountId: parts[1], brandId: parts[2])
        }

        func run() async throws {
            let brand = try tenant()
            let (record, secret) = AdminTokenRecord.issue(name: name, brand: brand, now: SystemClock().now())
            try await storageOptions.withStores { stores, _ in try await stores.adminTokens.insert(record) }
            let scope = brand.map { " for the brand \($0)" } ?? " for every brand"
            print("Created admin token \(record.id)\(name.map { " (\($0))" } ?? "")\(scope).")
            print("Send it as Authorization: Bearer …; keep it safe, it is not shown again:")
            print(secret.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List admin tokens (never their secrets).")

        @OptionGroup var storageOptions: StorageOptions

        func run() async throws {
            let tokens = try await storageOptions.withStores { stores, _ in try await stores.adminTokens.list() }
            print(["ID", "NAME", "BRAND", "CREATED", "STATUS"].joined(separator: "\t"))
            for token in tokens {
                let status = token.revokedAt.map { "revoked \($0.iso8601)" } ?? "active"
                let brand = token.brand?.description ?? "*"
                print([token.id, token.name ?? "-", brand, token.createdAt.iso8601, status].joined(separator: "\t"))
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
