import ArgumentParser
import CairnCore
import CairnStorage

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token. Its secret is printed once, alone on the last line."
        )

        @Option(help: "The client id the token belongs to.") var client: String
        @Option(help: "The account id the token belongs to.") var account: String
        @Option(help: "Limit the token to one brand; without it the token covers every brand of the account.")
        var brand: String?
        // Unconditional: `--rate -1` is a value (and refused below with a sentence), not an unknown flag.
        @Option(parsing: .unconditional, help: "Requests per second the token may make.")
        var rate: Double = TokenDefaults.rate
        @Option(parsing: .unconditional, help: "Requests the token may make at once.")
        var burst: Int = TokenDefaults.burst
        @OptionGroup var storageOptions: StorageOptions

        func validate() throws {
            let request = TokenRequest(
                scope: TokenScope(clientId: client, accountId: account, brandId: brand),
                rate: rate,
                burst: burst
            )
            if let problem = request.problem { throw ValidationError("--" + problem.message) }
        }

        func run() async throws {
            let scope = TokenScope(clientId: client, accountId: account, brandId: brand)
            let (record, secret) = TokenRecord.issue(scope: scope, rate: rate, burst: burst, now: SystemClock().now())
            try await storageOptions.withStores { stores, _ in try await stores.insertToken(record) }
            print("Created token \(record.id) for \(scope) (\(Self.format(rate)) requests/s, burst \(burst)).")
            print("Keep this secret safe; it is not shown again:")
            print(secret.text)
        }

        static func format(_ rate: Double) -> String {
            rate == rate.rounded() ? String(Int(rate)) : String(rate)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var storageOptions: StorageOptions

        func run() async throws {
            let tokens = try await storageOptions.withStores { stores, _ in try await stores.tokens.list() }
            print(["ID", "CLIENT", "ACCOUNT", "BRAND", "RATE", "BURST", "CREATED", "STATUS"].joined(separator: "\t"))
            for token in tokens {
                let status = token.revokedAt.map { "revoked \($0.iso8601)" } ?? "active"
                let row = [
                    token.id, token.scope.clientId, token.scope.accountId, token.scope.brandId ?? "*",
                    Create.format(token.rate), String(token.burst), token.createdAt.iso8601, status,
                ]
                print(row.joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")

        @Argument(help: "The token id, as `cairn tokens list` shows it.") var id: String
        @OptionGroup var storageOptions: StorageOptions

        func run() async throws {
            let id = self.id
            let revoked = try await storageOptions.withStores { stores, _ in
                try await stores.tokens.revoke(id: id, at: SystemClock().now())
            }
            guard revoked else {
                throw CLIError("No active token has the id \(id).")
            }
            print("Revoked token \(id).")
        }
    }
}
