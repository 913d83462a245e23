import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ServeTests {
    @Test func theBinaryServesTheTrackAPIAndStopsCleanlyOnSIGTERM() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("serve.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database)
        let (health, posted, status) = try await server.withClient { client in
            let health = try await client.get("/health").status
            let posted = try await client.send(
                "/track/hea/hea/HEA/v1/identify",
                token: token,
                body: SpecExamples.identify
            )
            let id = posted.1["eventId"]?.stringValue ?? ""
            let status = try await client.fetch("/track/hea/hea/HEA/v1/events/\(id)", token: token)
            return (health, posted, status)
        }
        #expect(health == .ok)
        #expect(posted.0 == .ok)
        #expect(status.0 == .ok)
        #expect(status.1["status"] == "accepted" || status.1["status"] == "processed")
        #expect(
            server.log.contains("no public URL (--public-url, CAIRN_PUBLIC_URL, sending.publicUrl)"),
            "without a public URL unsubscribe links are http://, which one-click unsubscribe ignores"
        )
        let exit = await server.stop()
        #expect(exit == 0, "SIGTERM exits cleanly; log:\n\(server.log)")

        // The event is still there after a restart.
        let restarted = try await RunningServer.start(database: database)
        let again = try await restarted.withClient { client in
            try await client.fetch(
                "/track/hea/hea/HEA/v1/events/\(posted.1["eventId"]?.stringValue ?? "")",
                token: token
            )
        }
        #expect(again.0 == .ok)
        _ = await restarted.stop()
    }

    @Test func serveSaysWhenItCreatesTheDatabase() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("new.sqlite").path
        let first = try await RunningServer.start(database: "sqlite:" + path)
        #expect(first.log.contains("Created the database sqlite:\(path), which did not exist."))
        #expect(await first.stop() == 0)
        let second = try await RunningServer.start(database: "sqlite:" + path)
        #expect(!second.log.contains("Created the database"))
        #expect(await second.stop() == 0)
    }

    @Test func aBadPortIsRefusedWithASentence() async throws {
        let output = try await CairnBinary.run(["serve", "--port", "70000", "--database", "sqlite:/tmp/unused.sqlite"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("The port must be between 0 and 65535."))
    }
}

@Suite struct ServeProcessorTests {
    @Test func noProcessorLeavesEventsWaitingForANodeThatProcesses() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("processor.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let ingestOnly = try await RunningServer.start(database: database, extraArguments: ["--no-processor"])
        let posted = try await ingestOnly.withClient { client in
            let posted = try await client.send(
                "/track/hea/hea/HEA/v1/identify",
                token: token,
                body: #"{"userId":"u","traits":{}}"#
            )
            return posted.1["eventId"]?.stringValue ?? ""
        }
        #expect(await ingestOnly.stop() == 0)
        // Stopped cleanly, with nothing left in flight: the event is still waiting.
        #expect(try await WaitingEvents.count(database) == 1)

        let processing = try await RunningServer.start(database: database)
        let status = try await processing.withClient { client in
            for _ in 0..<250 {
                let answer = try await client.fetch("/track/hea/hea/HEA/v1/events/\(posted)", token: token)
                if answer.1["status"] != "accepted" { return answer }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await client.fetch("/track/hea/hea/HEA/v1/events/\(posted)", token: token)
        }
        #expect(status.1["status"] == "processed")
        _ = await processing.stop()
    }

    @Test func aBadProcessorSwitchIsRefused() async throws {
        let output = try await CairnBinary.run(
            ["serve", "--database", "sqlite:/tmp/unused.sqlite"],
            environment: ["CAIRN_PROCESSOR": "maybe"]
        )
        #expect(output.status != 0)
        #expect(output.stderr.contains("CAIRN_PROCESSOR must be on or off"))
    }
}

@Suite struct ServeConfigurationTests {
    @Test(arguments: [
        ("CAIRN_PORT", "eighty", "CAIRN_PORT must be a whole number"),
        ("CAIRN_MAX_BODY_BYTES", "0", "The largest body size must be a positive number of bytes."),
        ("CAIRN_LOG_LEVEL", "loud", "Unknown log level \"loud\""),
        ("CAIRN_DATABASE", "mysql://h/db", "not supported yet"),
        ("CAIRN_MESSAGE_ID_WINDOW", "-5", "The messageId window must be zero or more seconds."),
        ("CAIRN_DB_POOL_SIZE", "0", "The database pool size must be at least 1."),
        ("CAIRN_DB_STATEMENT_TIMEOUT", "0", "The statement timeout must be at least 1 second."),
        ("CAIRN_PROCESSOR_WORKERS", "0", "The processor workers must be between 1 and 64."),
        ("CAIRN_SECRET_KEY", "c2hvcnQ=", "CAIRN_SECRET_KEY must be 32 random bytes in base64"),
        ("CAIRN_PUBLIC_URL", "cairn.example.com", "CAIRN_PUBLIC_URL must be an http:// or https:// URL."),
        ("CAIRN_SMTP_URL", "ftp://u:hunter2@h", "CAIRN_SMTP_URL: the SMTP URL must start with smtp:// or smtps://"),
        ("CAIRN_TWILIO_ACCOUNT_SID", "AC123", "CAIRN_TWILIO_ACCOUNT_SID: A twilio provider needs authToken."),
        ("CAIRN_SEND_ATTEMPTS", "0", "The send attempts must be between 1 and 100."),
        ("CAIRN_SEND_LEASE", "100000", "The send lease must be between 1 second and a day (86400)."),
        ("CAIRN_SEND_LEASE", "0", "The send lease must be between 1 second and a day (86400)."),
        (
            "CAIRN_SMTP_FROM", "Shop <s@example.com>",
            "CAIRN_SMTP_FROM belongs to a default provider that needs --smtp-url"
        ),
        (
            "CAIRN_TWILIO_FROM", "+15005550006",
            "CAIRN_TWILIO_FROM belongs to a default provider that needs --twilio-account-sid"
        ),
    ])
    func badSettingsFromTheEnvironmentAreRefused(_ name: String, _ value: String, _ sentence: String) async throws {
        let output = try await CairnBinary.run(["serve"], environment: [name: value])
        #expect(output.status != 0)
        #expect(output.stderr.contains(sentence))
    }

    @Test func aBadSMTPURLIsRefusedWithoutShowingItsPassword() async throws {
        let output = try await CairnBinary.run(
            ["serve"],
            environment: ["CAIRN_SMTP_URL": "smtp://mailer:hunter2@mail.example.com?starttls=sometimes"]
        )
        #expect(output.status != 0)
        #expect(output.stderr.contains("starttls must be 'required' or 'never'"))
        #expect(!output.stderr.contains("hunter2"))
    }

    @Test func onSQLiteTheSecretKeyIsAFileOfTheOwnersKeptAcrossRestarts() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("keyed.sqlite").path
        let first = try await RunningServer.start(database: "sqlite:" + path)
        #expect(await first.stop() == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try String(contentsOfFile: path + ".key", encoding: .utf8)
        #expect(SecretKey(base64: key) != nil)
        let second = try await RunningServer.start(database: "sqlite:" + path)
        #expect(await second.stop() == 0)
        #expect(try String(contentsOfFile: path + ".key", encoding: .utf8) == key, "the same key after a restart")
    }

    @Test func theBodyLimitComesFromTheEnvironment() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("limit.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database, environment: ["CAIRN_MAX_BODY_BYTES": "200"])
        let (small, big) = try await server.withClient { client in
            (
                try await client.send(
                    "/track/hea/hea/HEA/v1/track",
                    token: token,
                    body: #"{"userId":"u","event":"e"}"#
                ),
                try await client.send(
                    "/track/hea/hea/HEA/v1/track",
                    token: token,
                    body: #"{"userId":"u","event":"e","p":"\#(String(repeating: "x", count: 300))"}"#
                )
            )
        }
        _ = await server.stop()
        #expect(small.0 == .ok)
        #expect(big.0 == .contentTooLarge)
    }
}
