import CairnCore
import Foundation
import Testing

@Suite struct CLITests {
    func database() throws -> String {
        "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("cli.sqlite").path)
    }

    @Test func tokensCreatePrintsTheSecretAloneOnTheLastLine() async throws {
        let database = try database()
        let output = try await CairnBinary.run([
            "tokens", "create", "--client", "hea", "--account", "hea", "--brand", "HEA", "--rate", "20", "--burst",
            "40",
            "--database", database,
        ])
        #expect(output.status == 0)
        let secret = try #require(TokenSecret(presented: output.lastLine))
        let list = try await CairnBinary.run(["tokens", "list", "--database", database])
        #expect(list.status == 0)
        #expect(list.stdout.contains(secret.id))
        #expect(list.stdout.contains("hea\thea\tHEA\t20\t40"))
        #expect(!list.stdout.contains(secret.text), "list never shows secrets")
    }

    @Test func withoutABrandTheTokenCoversTheAccount() async throws {
        let database = try database()
        _ = try await CairnBinary.createToken(database: database, brand: nil)
        let list = try await CairnBinary.run(["tokens", "list", "--database", database])
        #expect(list.stdout.contains("hea\thea\t*\t100\t500"))
    }

    @Test func revokeMarksTheTokenAndRefusesUnknownIds() async throws {
        let database = try database()
        let secret = try #require(TokenSecret(presented: try await CairnBinary.createToken(database: database)))
        let revoked = try await CairnBinary.run(["tokens", "revoke", secret.id, "--database", database])
        #expect(revoked.status == 0)
        let list = try await CairnBinary.run(["tokens", "list", "--database", database])
        #expect(list.stdout.contains("revoked"))
        let again = try await CairnBinary.run(["tokens", "revoke", secret.id, "--database", database])
        #expect(again.status != 0)
        #expect(again.stderr.contains("No active token has the id \(secret.id)"))
    }

    @Test func theDatabaseComesFromTheEnvironmentToo() async throws {
        let database = try database()
        let environment = ["CAIRN_DATABASE": database]
        let created = try await CairnBinary.run(
            ["tokens", "create", "--client", "c", "--account", "a"],
            environment: environment
        )
        #expect(created.status == 0)
        let list = try await CairnBinary.run(["tokens", "list"], environment: environment)
        #expect(list.stdout.contains("c\ta\t*"))
    }

    @Test func errorsExitNonZeroWithASentence() async throws {
        let badDatabase = try await CairnBinary.run(["tokens", "list", "--database", "mysql://x/y"])
        #expect(badDatabase.status != 0)
        #expect(badDatabase.stderr.contains("not supported"))
        let missingClient = try await CairnBinary.run([
            "tokens", "create", "--account", "a", "--database", try database(),
        ])
        #expect(missingClient.status != 0)
        #expect(missingClient.stderr.contains("--client"))
        let badRate = try await CairnBinary.run([
            "tokens", "create", "--client", "c", "--account", "a", "--rate", "0", "--database", try database(),
        ])
        #expect(badRate.status != 0)
        #expect(badRate.stderr.contains("--rate must be a number of requests a second from 0.001 to 1000000."))
    }

    @Test func migrateCreatesTheSchema() async throws {
        let database = try database()
        let output = try await CairnBinary.run(["migrate", "--database", database])
        #expect(output.status == 0)
        #expect(output.stdout.contains("up to date"))
    }
}

@Suite struct CLIRefusalTests {
    @Test(arguments: [
        (
            ["--client", "a\tb", "--account", "a"],
            "--client must be 1 to 128 letters, digits, '-', '_', '.' or '~' (not . or ..)."
        ),
        (
            ["--client", "a", "--account", "caf\u{E9}"],
            "--account must be 1 to 128 letters, digits, '-', '_', '.' or '~' (not . or ..)."
        ),
        (
            ["--client", "a", "--account", "a", "--rate", "-1"],
            "--rate must be a number of requests a second from 0.001 to 1000000."
        ),
        (["--client", "a", "--account", "a", "--burst", "0"], "--burst must be a whole number from 1 to 1000000."),
        (
            ["--client", "a", "--account", "a", "--rate", "1e-300"],
            "--rate must be a number of requests a second from 0.001 to 1000000."
        ),
    ])
    func tokensCreateSaysWhatIsWrong(_ arguments: [String], _ sentence: String) async throws {
        let output = try await CairnBinary.run(
            ["tokens", "create"] + arguments + ["--database", "sqlite:/tmp/unused.sqlite"]
        )
        #expect(output.status != 0)
        #expect(output.stderr.contains(sentence), "\(output.stderr)")
    }

    @Test func aNewDatabaseIsNamedWhenACommandCreatesIt() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("new.sqlite").path
        let first = try await CairnBinary.run([
            "tokens", "create", "--client", "a", "--account", "a", "--database", "sqlite:\(path)",
        ])
        #expect(first.stderr.contains("Created the database sqlite:\(path), which did not exist."))
        #expect(first.lastLine.hasPrefix("cairn_"))
        let second = try await CairnBinary.run(["tokens", "list", "--database", "sqlite:\(path)"])
        #expect(!second.stderr.contains("Created the database"))
    }

    @Test func aPortInUseIsSaidInASentence() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("port.sqlite").path)
        let first = try await RunningServer.start(database: database)
        let output = try await CairnBinary.run(["serve", "--port", String(first.port), "--database", database])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains("Port \(first.port) on 127.0.0.1 is already in use by another program"),
            "\(output.stderr)"
        )
        #expect(await first.stop() == 0)
    }
}

@Suite struct UnreachableDatabaseTests {
    @Test func aPostgreSQLThatRefusesTheConnectionIsSaidSo() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let output = try await CairnBinary.run([
            "migrate", "--database", "postgres://cairn:secret@127.0.0.1:1/db?sslmode=disable",
        ])
        #expect(output.status != 0)
        #expect(output.stderr.contains("connection refused"), "\(output.stderr)")
        #expect(!output.stderr.contains("secret"))
    }
}
