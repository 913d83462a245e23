import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Data-protection requests through the real binary, on SQLite and PostgreSQL, with email sent
/// to a real SMTP server: every type end to end, then a search of the database itself for
/// anything the customer sent in.
@Suite(.serialized) struct RegulationBinaryTests {
    static var backends: [String] {
        PostgresServeTests.server != nil || PostgresServeTests.required ? ["sqlite", "postgres"] : ["sqlite"]
    }

    @Test(arguments: backends)
    func everyRegulationTypeEndToEndThenNothingOfTheCustomerIsLeft(_ backend: String) async throws {
        try await TestPeer.with("smtp_sink.py", MailScenario.sinkArguments(port: 0)) { sink in
            let database =
                backend == "sqlite"
                ? "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("cairn.sqlite").path)
                : try await PostgresServeTests.freshDatabase()
            let scenario = try await MailScenario.start(
                database: database,
                smtpPort: sink.port,
                environment: ["CAIRN_SECRET_KEY": SecretKey.generate().base64]
            )
            let person = RegulatedPerson(scenario: scenario)

            // What the customer sends in: an identify, a tracked event, and an email sent to them.
            let sent = try await person.send([person.identify, person.viewed, person.sendNote])
            #expect(try await scenario.waitForMessage(sent[2]) { $0["status"] == "sent" }["status"] == "sent")
            #expect(person.mailsReceived(sink) == 1)

            // access (by the email in another case): an export of what was sent in.
            let access = try await person.regulate("access", ["email": .string(person.email.uppercased())])
            #expect(access["result"]?["customers"] == 1)
            let export = try await person.export(access)
            let customer = export["customers"]?.arrayValue?.first
            #expect(customer?["userId"] == .string(person.userId))
            #expect(customer?["traits"]?["city"] == .string(person.city))
            #expect(customer?["anonymousIds"] == [.string(person.device)])
            let payloads = customer?["events"]?.arrayValue?.compactMap { $0["payload"]?["properties"]?["note"] } ?? []
            #expect(payloads == [.string(person.secret)])
            #expect(customer?["messages"]?.arrayValue?.first?["to"] == .string(person.email))

            // suppress: answered as usual, but nothing is sent and nothing is kept.
            _ = try await person.regulate("suppress", ["userId": .string(person.userId)])
            let whileSuppressed = try await person.send([person.sendNote, person.viewed])
            let refused = try await SendTests.waitForStatus(scenario.server, scenario.token, whileSuppressed[0])
            #expect(refused["status"] == "failed")
            #expect(refused["errors"]?.arrayValue?.first?["code"] == "customer_suppressed")
            // unsuppress: sends go again (and only that one reaches the sink).
            _ = try await person.regulate("unsuppress", ["userId": .string(person.userId)])
            let again = try await person.send([person.sendNote])
            #expect(try await scenario.waitForMessage(again[0]) { $0["status"] == "sent" }["status"] == "sent")
            #expect(person.mailsReceived(sink) == 2)

            // no_track (by the device): tracking is dropped, identify still lands; track undoes it.
            _ = try await person.regulate("no_track", ["anonymousId": .string(person.device)])
            _ = try await person.send([person.hidden, person.identifyPlan("gold")])
            #expect(try await person.profile("traits")["traits"]?["plan"] == "gold")
            #expect(try await person.profile("events").encodedText.contains("Hidden While Not Tracked") == false)
            _ = try await person.regulate("track", ["anonymousId": .string(person.device)])
            _ = try await person.send([person.hidden])
            #expect(try await person.profile("events").encodedText.contains("Hidden While Not Tracked"))

            // suppress_with_delete: the customer is erased and what they send later is not kept.
            let erased = try await person.regulate("suppress_with_delete", ["userId": .string(person.userId)])
            #expect(erased["result"]?["profiles"] == 1)
            #expect(erased["subject"] == ["userId": .null])
            _ = try await person.send([person.identify, person.viewed])
            let (status, _) = try await scenario.server.withClient { [token = scenario.token, userId = person.userId] in
                try await $0.fetch("/track/hea/hea/HEA/v1/profiles/userId:\(userId)/traits", token: token)
            }
            #expect(status == .notFound)
            let listed = try await person.regulations()
            #expect(listed.count == 6)
            #expect(listed.allSatisfy { $0["subject"]?.objectValue?.values.first == .null })

            // The database itself holds nothing the customer sent in.
            let dump = try await DatabaseDump.text(of: database, backend: backend)
            #expect(dump.contains("Viewed Product"), "the dump is the database's")
            let left = person.personalValues.filter { dump.contains($0) }
            #expect(left.isEmpty, "still in the \(backend) database: \(left)")
            #expect(await scenario.server.stop() == 0)
            // Nor does the file's free space: zeroed when deleted, and the file rewritten after an erasure.
            if backend == "sqlite" {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: String(database.dropFirst("sqlite:".count))))
                let text = String(decoding: bytes, as: UTF8.self)
                let inFile = person.personalValues.filter { text.contains($0) }
                #expect(inFile.isEmpty, "still in the SQLite file's bytes: \(inFile)")
            }
        }
    }
}

extension RegulationBinaryTests {
    /// A deletion stopped part way (a trigger refuses its last step, deleting the profile, after
    /// the events are erased), the server killed, the trigger dropped: the restarted server takes
    /// the regulation up again once the dead node's lease ends and finishes it.
    @Test(arguments: backends)
    func aRestartMidDeleteFinishesTheJob(_ backend: String) async throws {
        let database =
            backend == "sqlite"
            ? "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("cairn.sqlite").path)
            : try await PostgresServeTests.freshDatabase()
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let lease = ["--regulation-lease", "1"]
        let first = try await RunningServer.start(database: database, extraArguments: lease)
        let person = RegulatedPerson(scenario: MailScenario(server: first, token: token, admin: admin))
        _ = try await person.send([person.identify] + Array(repeating: person.viewed, count: 30))

        let hold =
            backend == "sqlite"
            ? "CREATE TRIGGER hold BEFORE DELETE ON customers BEGIN SELECT RAISE(ABORT, 'held'); END;"
            : """
            CREATE FUNCTION hold() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'held'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER hold BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION hold();
            """
        _ = try await DatabaseShell.run(hold, on: database)
        let id = try await person.ask("delete", ["userId": .string(person.userId)])
        #expect(await first.waitForLog("a regulation step failed"))
        let erased = try await DatabaseShell.run("SELECT count(*) FROM events WHERE customer_id IS NULL;", on: database)
        #expect(erased == "31", "the events were erased before the step that failed")
        #expect(try await person.read(id)["status"] == "pending")
        _ = await first.stop(signal: SIGKILL)

        _ = try await DatabaseShell.run("DROP TRIGGER hold\(backend == "sqlite" ? "" : " ON customers");", on: database)
        let second = try await RunningServer.start(database: database, extraArguments: lease)
        let resumed = RegulatedPerson(scenario: MailScenario(server: second, token: token, admin: admin))
        let done = try await resumed.waitUntilDone(id)
        #expect(done["result"]?["profiles"] == 1)
        #expect(done["result"]?["events"] == 0, "the second run found the events already erased")
        let dump = try await DatabaseDump.text(of: database, backend: backend)
        let left = person.personalValues.filter { dump.contains($0) }
        #expect(left.isEmpty, "still in the \(backend) database: \(left)")
        #expect(await second.stop() == 0)
    }
}

/// Runs SQL on a test database with its own shell (`sqlite3`, `psql`); returns what it printed.
enum DatabaseShell {
    static func run(_ sql: String, on database: String) async throws -> String {
        let output =
            database.hasPrefix("sqlite:")
            ? try await CairnBinary.runTool("sqlite3", [String(database.dropFirst("sqlite:".count))], input: sql)
            : try await CairnBinary.runTool(
                "psql",
                [
                    "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                    database.replacingOccurrences(of: "?sslmode=disable", with: ""),
                ],
                input: sql
            )
        try #require(output.status == 0, "\(sql): \(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One customer, with values unique to the test that a dump of the database can be searched for.
struct RegulatedPerson {
    let scenario: MailScenario
    let tag = UUID().uuidString.prefix(8).lowercased()
    var userId: String { "person-\(tag)" }
    var email: String { "erin.\(tag)@example.org" }
    var device: String { "device-\(tag)" }
    var city: String { "Cityof\(tag)" }
    var secret: String { "payload\(tag)" }
    var personalValues: [String] { [userId, email, device, city, secret, "Erin\(tag)"] }

    var identify: String {
        #"{"type":"identify","userId":"\#(userId)","anonymousId":"\#(device)","traits":{"email":"\#(email)","firstName":"Erin\#(tag)","city":"\#(city)"}}"#
    }
    var viewed: String {
        #"{"type":"track","userId":"\#(userId)","event":"Viewed Product","properties":{"note":"\#(secret)"}}"#
    }
    var sendNote: String { #"{"type":"track","userId":"\#(userId)","event":"send_email","assetId":"note"}"# }
    var hidden: String {
        #"{"type":"track","userId":"\#(userId)","anonymousId":"\#(device)","event":"Hidden While Not Tracked","properties":{"note":"\#(secret)"}}"#
    }
    func identifyPlan(_ plan: String) -> String {
        #"{"type":"identify","userId":"\#(userId)","traits":{"plan":"\#(plan)"}}"#
    }

    /// How many emails the sink received for the customer.
    func mailsReceived(_ sink: TestPeer) -> Int {
        sink.files(containing: email + "/").filter { $0.contains("Message-ID") }.count
    }

    /// Sends a batch and waits until every event is processed; returns their ids.
    func send(_ items: [String]) async throws -> [String] {
        let (status, answer) = try await scenario.server.withClient { [token = scenario.token] client in
            try await client.send(
                "/track/hea/hea/HEA/v1/batch",
                token: token,
                body: #"{"batch":[\#(items.joined(separator: ","))]}"#
            )
        }
        try #require(status == .ok, "\(answer)")
        let ids = answer["eventIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for id in ids { _ = try await SendTests.waitForStatus(scenario.server, scenario.token, id) }
        return ids
    }

    /// Asks for a regulation and waits until it is done; returns it.
    func regulate(_ type: String, _ subject: [String: JSONValue]) async throws -> JSONValue {
        try await waitUntilDone(try await ask(type, subject))
    }

    /// Asks for a regulation; returns its id.
    func ask(_ type: String, _ subject: [String: JSONValue]) async throws -> String {
        let body = JSONValue.object(["type": .string(type), "subject": .object(subject)]).encodedText
        let (status, answer) = try await scenario.server.withClient { [admin = scenario.admin] client in
            try await client.admin(.post, MailScenario.brand + "/regulations", token: admin, body: body)
        }
        try #require(status == .accepted, "\(answer)")
        #expect(answer["regulation"]?["status"] == "pending")
        return try #require(answer["regulation"]?["id"]?.stringValue)
    }

    func read(_ id: String) async throws -> JSONValue {
        try await scenario.server.withClient { [admin = scenario.admin] client in
            try await client.admin(.get, MailScenario.brand + "/regulations/\(id)", token: admin)
        }.1["regulation"] ?? .null
    }

    func waitUntilDone(_ id: String) async throws -> JSONValue {
        for _ in 0..<750 {
            let regulation = try await read(id)
            if regulation["status"] != "pending" {
                try #require(regulation["status"] == "done", "\(regulation)")
                return regulation
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestPeer.Failure(description: "regulation \(id) stayed pending\n\(scenario.server.log)")
    }

    func export(_ regulation: JSONValue) async throws -> JSONValue {
        let url = try #require(regulation["exportURL"]?.stringValue)
        let (status, answer) = try await scenario.server.withClient { [admin = scenario.admin] client in
            try await client.admin(.get, url, token: admin)
        }
        try #require(status == .ok, "\(answer)")
        return answer
    }

    func regulations() async throws -> [JSONValue] {
        try await scenario.server.withClient { [admin = scenario.admin] client in
            try await client.admin(.get, MailScenario.brand + "/regulations", token: admin)
        }.1["regulations"]?.arrayValue ?? []
    }

    func profile(_ view: String) async throws -> JSONValue {
        try await scenario.server.withClient { [token = scenario.token, userId] client in
            try await client.fetch("/track/hea/hea/HEA/v1/profiles/userId:\(userId)/\(view)", token: token)
        }.1
    }
}

/// Everything a database holds, as text: `sqlite3 .dump` of a file, `pg_dump` of a PostgreSQL database.
enum DatabaseDump {
    static func text(of database: String, backend: String) async throws -> String {
        let output =
            backend == "sqlite"
            ? try await CairnBinary.runTool("sqlite3", [String(database.dropFirst("sqlite:".count)), ".dump"])
            : try await CairnBinary.runTool(
                "pg_dump",
                ["--data-only", database.replacingOccurrences(of: "?sslmode=disable", with: "")]
            )
        try #require(output.status == 0, "dump: \(output.stderr)")
        // Blobs are dumped as hex (SQLite) or escaped hex (PostgreSQL bytea): search their text too.
        return output.stdout + "\n" + hexDecoded(output.stdout)
    }

    /// The text of every long run of hex digits in `dump`.
    static func hexDecoded(_ dump: String) -> String {
        var decoded: [UInt8] = []
        var run: [UInt8] = []
        func flush() {
            if run.count >= 8 {
                var index = 0
                while index + 1 < run.count {
                    if let byte = UInt8(String(decoding: run[index...index + 1], as: UTF8.self), radix: 16) {
                        decoded.append(byte)
                    }
                    index += 2
                }
                decoded.append(0x0a)
            }
            run.removeAll(keepingCapacity: true)
        }
        for byte in dump.utf8 {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            {
                run.append(byte)
            } else {
                flush()
            }
        }
        flush()
        return String(decoding: decoded, as: UTF8.self)
    }
}

extension JSONValue {
    /// The value as JSON text.
    var encodedText: String { String(decoding: encoded(), as: UTF8.self) }
}
