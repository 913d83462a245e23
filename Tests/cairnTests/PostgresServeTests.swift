import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The real binary on PostgreSQL: the CLI and `serve` take a `postgres://` URL and behave as on SQLite.
@Suite struct PostgresServeTests {
    static let server = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES"]
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A new database on the test server, as a `postgres://` URL.
    static func freshDatabase() async throws -> String {
        let url = try #require(server, "CAIRN_TEST_POSTGRES is not set: run scripts/test.sh")
        let name = "cairn_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // The server's own database serves to create ours.
        let psql = try await CairnBinary.runTool(
            "psql",
            [url.replacingOccurrences(of: "?sslmode=disable", with: ""), "-c", "CREATE DATABASE \(name)"]
        )
        try #require(psql.status == 0, "psql failed: \(psql.stderr)")
        return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    @Test(.enabled(if: server != nil || required, "CAIRN_TEST_POSTGRES is not set"))
    func tokensMigrateAndServeWorkOnPostgreSQL() async throws {
        let database = try await Self.freshDatabase()
        let migrate = try await CairnBinary.run(["migrate", "--database", database])
        #expect(migrate.status == 0)
        let token = try await CairnBinary.createToken(database: database)
        let listed = try await CairnBinary.run(["tokens", "list", "--database", database])
        #expect(listed.stdout.contains("\thea\thea\tHEA\t"))

        let server = try await RunningServer.start(database: database)
        let (posted, status, profile) = try await server.withClient { client in
            let posted = try await client.send(
                "/track/hea/hea/HEA/v1/identify",
                token: token,
                body: #"{"userId":"pg-user","traits":{"email":"pg@example.com"}}"#
            )
            let id = posted.1["eventId"]?.stringValue ?? ""
            var status = try await client.fetch("/track/hea/hea/HEA/v1/events/\(id)", token: token)
            for _ in 0..<200 where status.1["status"] == "accepted" {
                try await Task.sleep(for: .milliseconds(25))
                status = try await client.fetch("/track/hea/hea/HEA/v1/events/\(id)", token: token)
            }
            let profile = try await client.fetch("/track/hea/hea/HEA/v1/profiles/userId:pg-user/traits", token: token)
            return (posted, status, profile)
        }
        #expect(posted.0 == .ok)
        #expect(status.1["status"] == "processed")
        #expect(profile.1["traits"]?["email"] == "pg@example.com")
        #expect(server.log.contains("no secret key (CAIRN_SECRET_KEY)"), "PostgreSQL has no key file to fall back on")
        #expect(await server.stop() == 0)
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        let output = try await CairnBinary.run(["migrate", "--database", "postgres://cairn@127.0.0.1:1/nothing"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("Cannot open the database at postgres://cairn@127.0.0.1:1/nothing"))
    }
}

/// A node whose database goes away: 503 on ingest and `/ready`, `/health` still 200, and back
/// by itself when the database returns.
@Suite struct DatabaseOutageTests {
    @Test(
        .enabled(if: DedicatedPostgres.binaries != nil || PostgresServeTests.required, "CAIRN_TEST_PG_BIN is not set")
    )
    func aNodeAnswers503WhileItsDatabaseIsDownAndRecovers() async throws {
        let postgres = try await DedicatedPostgres()
        let token = try await CairnBinary.createToken(database: postgres.url)
        let server = try await RunningServer.start(
            database: postgres.url,
            extraArguments: ["--db-statement-timeout", "2"]
        )
        let track = "/track/hea/hea/HEA/v1/track"
        let body = #"{"userId":"u","event":"e"}"#
        let before = try await server.withClient { client in
            (try await client.send(track, token: token, body: body).0, try await client.get("/ready").status)
        }
        #expect(before == (.ok, .ok))

        try await postgres.stop()
        let during = try await server.withClient { client in
            (
                try await client.send(track, token: token, body: body),
                try await client.get("/ready"),
                try await client.get("/health").status
            )
        }
        #expect(during.0.0 == .serviceUnavailable)
        #expect(during.0.1["code"] == "unavailable")
        #expect(during.1.status == .serviceUnavailable)
        let ready = try JSONParser.parse(Array((during.1.body ?? ByteBuffer()).readableBytesView))
        #expect(ready["success"] == false)
        #expect(ready["code"] == "database_unavailable")
        #expect(during.2 == .ok)

        try await postgres.start()
        let after = try await server.withClient { client in
            var ready = try await client.get("/ready").status
            for _ in 0..<100 where ready != .ok {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.get("/ready").status
            }
            return (ready, try await client.send(track, token: token, body: body).0)
        }
        #expect(after == (.ok, .ok))
        #expect(await server.stop() == 0)
        try await postgres.stop()
    }
}
