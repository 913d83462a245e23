import CairnCore
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// send_print through the real binary: the spec's identify and a letter asset leave a complete
/// letter in the spool beside the database (HTML, its record and, with Chromium, a PDF whose text
/// poppler reads back); and a node killed while writing a letter leaves no folder a pick-up job
/// could take, then the letter arrives once after a restart.
@Suite(.serialized) struct PrintTests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["CAIRN_TEST_CHROMIUM"] ?? "/usr/bin/chromium"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// The spec's identify example (its address and addressee).
    static let specIdentify = """
        {"userId":"ABC/123","traits":{"title":"Mr","firstName":"Fred","lastName":"Flintsonte",
        "email":"email@example.com","address":{"houseNumberOrName":"56","addressLine1":"A Road",
        "addressLine2":"Chester","addressLine3":"Cheshire","postalCode":"CH1ABC"}}}
        """

    /// Publishes the letter asset `booking-letter` and sends it to the spec's customer: the
    /// send_print's event id.
    static func sendSpecLetter(_ server: RunningServer, token: String, admin: String) async throws -> String {
        try await server.withClient { client in
            let asset = try await client.admin(
                .put,
                brand + "/assets/booking-letter",
                token: admin,
                body: """
                    {"channel":"print","purpose":"transactional","content":{"html":
                    "<p>Dear {{customer.firstName}},</p><p>Your booking {{bookingId}} is confirmed.</p>"}}
                    """
            )
            #expect(asset.0 == .ok, "\(asset.1)")
            #expect(try await client.admin(.post, brand + "/assets/booking-letter/publish", token: admin).0 == .ok)
        }
        #expect(try await MultiNodeTests.post(to: server, token: token, body: specIdentify) != nil)
        return try #require(
            try await SendTests.track(
                server,
                token,
                #"{"userId":"ABC/123","event":"send_print","assetId":"booking-letter","properties":{"bookingId":"1234"}}"#
            )
        )
    }

    static func entries(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// The letters a pick-up job sees (it skips hidden names), after checking nothing is left
    /// half-written.
    static func letters(_ spool: URL) -> [String] {
        #expect(entries(spool.appendingPathComponent(".partial")).isEmpty, "nothing half-written is left")
        return entries(spool).filter { !$0.hasPrefix(".") }
    }

    @Test(.enabled(if: chromium != nil || TestEnvironment.isCI, "no Chromium on this machine"))
    func theSpecsLetterIsLeftWholeForPickUp() async throws {
        let chromium = try #require(Self.chromium, "scripts/test.sh installs Chromium")
        let directory = try TemporaryDirectory.make()
        let database = "sqlite:" + directory.appendingPathComponent("print.sqlite").path
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let server = try await RunningServer.start(
            database: database,
            extraArguments: ["--print-pdf-renderer", chromium]
        )
        let eventId = try await Self.sendSpecLetter(server, token: token, admin: admin)
        let status = try await SendTests.waitForMessage(server, token, eventId) { $0 != "queued" && $0 != "sending" }
        let message = try #require(status["messages"]?.arrayValue?.first)
        #expect(message["status"] == "sent", "\(status)\n\(server.log)")
        #expect(message["channel"] == "print")
        #expect(message["to"] == "Mr Fred Flintsonte, 56 A Road, Chester, Cheshire, CH1ABC")
        let messageId = try #require(message["messageId"]?.stringValue)
        let spool = directory.appendingPathComponent("letters")
        #expect(Self.letters(spool) == [messageId], "the default spool is letters/ beside the database")
        let folder = spool.appendingPathComponent(messageId)
        #expect(Self.entries(folder) == ["letter.html", "letter.json", "letter.pdf"])
        let html = try String(contentsOf: folder.appendingPathComponent("letter.html"), encoding: .utf8)
        #expect(html.contains("Mr Fred Flintsonte<br>56 A Road<br>Chester<br>Cheshire<br>CH1ABC"))
        #expect(html.contains("Your booking 1234 is confirmed."))
        let record = try JSONParser.parse(Array(try Data(contentsOf: folder.appendingPathComponent("letter.json"))))
        #expect(record["messageId"]?.stringValue == messageId)
        #expect(record["eventId"]?.stringValue == eventId)
        #expect(record["assetId"] == "booking-letter")
        #expect(record["version"] == 1)
        #expect(record["recipient"]?["name"] == "Mr Fred Flintsonte")
        let text = directory.appendingPathComponent("letter.txt").path
        let pdftotext = "/usr/bin/pdftotext"
        try #require(FileManager.default.isExecutableFile(atPath: pdftotext), "scripts/test.sh installs poppler-utils")
        #expect(try await ChildProcess.run(pdftotext, [folder.appendingPathComponent("letter.pdf").path, text]) == 0)
        let words = try String(contentsOfFile: text, encoding: .utf8)
        #expect(words.contains("Mr Fred Flintsonte"))
        #expect(words.contains("Your booking 1234 is confirmed."))
        #expect(await server.stop() == 0)
    }

    @Test func aNodeKilledMidLetterLeavesNoFolderAndTheLetterArrivesOnceAfter() async throws {
        let directory = try TemporaryDirectory.make()
        // A renderer that says it started, then waits for leave to finish (a condition the test sets).
        let renderer = directory.appendingPathComponent("renderer.sh")
        let gate = directory.appendingPathComponent("gate")
        try FileManager.default.createDirectory(at: gate, withIntermediateDirectories: true)
        try """
        #!/bin/sh
        touch "\(gate.path)/started"
        while [ ! -e "\(gate.path)/go" ]; do sleep 0.05; done
        for argument in "$@"; do
          case "$argument" in --print-to-pdf=*) printf '%%PDF-1.4 stand-in' > "${argument#--print-to-pdf=}";; esac
        done
        """.write(to: renderer, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: renderer.path)
        let database = "sqlite:" + directory.appendingPathComponent("print.sqlite").path
        let token = try await CairnBinary.createToken(database: database)
        let admin = try await CairnBinary.run(["admin-tokens", "create", "--database", database]).lastLine
        let arguments = ["--print-pdf-renderer", renderer.path, "--send-lease", "2"]
        let first = try await RunningServer.start(database: database, extraArguments: arguments)
        let eventId = try await Self.sendSpecLetter(first, token: token, admin: admin)
        let started = gate.appendingPathComponent("started")
        var looks = 0
        while !FileManager.default.fileExists(atPath: started.path), looks < 3000 {
            looks += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(FileManager.default.fileExists(atPath: started.path), "the letter's writing began")
        #expect(await first.stop(signal: SIGKILL) == SIGKILL)
        let spool = directory.appendingPathComponent("letters")
        #expect(Self.entries(spool).allSatisfy { $0.hasPrefix(".") }, "no letter a pick-up job could take")
        #expect(Self.entries(spool.appendingPathComponent(".partial")).count == 1, "the half-written folder")

        try Data().write(to: gate.appendingPathComponent("go"))
        let second = try await RunningServer.start(database: database, extraArguments: arguments)
        let status = try await SendTests.waitForMessage(second, token, eventId) { $0 == "sent" }
        let messageId = try #require(status["messages"]?.arrayValue?.first?["messageId"]?.stringValue)
        #expect(status["messages"]?.arrayValue?.first?["attempts"] == 2)
        #expect(Self.letters(spool) == [messageId], "one letter, and the half-written one cleared")
        let folder = spool.appendingPathComponent(messageId)
        #expect(Self.entries(folder) == ["letter.html", "letter.json", "letter.pdf"])
        #expect(
            try String(contentsOf: folder.appendingPathComponent("letter.pdf"), encoding: .utf8) == "%PDF-1.4 stand-in"
        )
        #expect(await second.stop() == 0)
    }
}
