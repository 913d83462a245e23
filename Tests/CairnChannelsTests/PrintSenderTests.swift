import CairnCore
import CairnTestFixtures
import Foundation
import Testing

@testable import CairnChannels

/// Issue 23: letters left in a spool (whole or not at all, never replaced once complete; a PDF
/// that opens when Chromium renders it) and handed to a print house's HTTP API with its retries.
@Suite struct PrintSenderTests {
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["CAIRN_TEST_CHROMIUM"] ?? "/usr/bin/chromium"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    static func letter(
        html: String = "<p>Dear Fred, your booking is confirmed.</p>",
        id: String = "msg-1"
    ) throws
        -> OutboxMessage
    {
        let address = try #require(PostalAddress(traits: PrintPlanningFixtures.specTraits))
        let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        return OutboxMessage(
            messageId: id,
            tenant: Tenant(clientId: "c", accountId: "a", brandId: "b"),
            eventId: EventID.make(at: now),
            customerId: "cust",
            userId: "u1",
            channel: .print,
            to: address.singleLine,
            assetId: "booking-letter",
            version: 3,
            purpose: .transactional,
            content: ["html": .string(html), "address": address.stored],
            nextAttemptAt: now,
            createdAt: now
        )
    }

    static func spool() -> String {
        let directory = TemporaryFiles.path(named: "letters")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// The letters a pick-up job sees (it skips hidden names), after checking nothing is left
    /// half-written.
    static func letters(_ spool: String) -> [String] {
        #expect(entries(spool + "/.partial").isEmpty, "nothing half-written is left")
        return entries(spool).filter { !$0.hasPrefix(".") }
    }

    @Test func aLetterIsLeftWholeWithItsAddressBlockAndRecord() async throws {
        let spool = Self.spool()
        let message = try Self.letter()
        let outcome = await PrintSpoolSender(directory: spool, renderer: nil).send(message)
        #expect(outcome == .sent(providerMessageId: "msg-1"))
        #expect(Self.letters(spool) == ["msg-1"], "one folder, no hidden leftovers")
        #expect(Self.entries(spool + "/msg-1") == ["letter.html", "letter.json"])
        let html = Self.read(spool + "/msg-1/letter.html")
        #expect(
            html.contains(
                "<div class=\"cairn-address\">Mr Fred Flintsonte<br>56 A Road<br>Chester<br>Cheshire<br>CH1ABC</div>"
            )
        )
        #expect(html.contains("@page { size: A4; margin: 0; }"))
        #expect(html.contains("Dear Fred, your booking is confirmed."))
        let record = try JSONParser.parse(Array(Self.read(spool + "/msg-1/letter.json").utf8))
        #expect(record["messageId"] == "msg-1")
        #expect(record["eventId"]?.stringValue == message.eventId.description)
        #expect(record["assetId"] == "booking-letter")
        #expect(record["version"] == 3)
        #expect(record["recipient"]?["name"] == "Mr Fred Flintsonte")
        #expect(record["recipient"]?["address"] == ["56 A Road", "Chester", "Cheshire", "CH1ABC"])
    }

    @Test func aLetterTriedAgainReplacesNothingCompleteAndClearsWhatACrashLeft() async throws {
        let spool = Self.spool()
        let sender = PrintSpoolSender(directory: spool, renderer: nil)
        // What a crash mid-write leaves: a hidden, half-written folder.
        try FileManager.default.createDirectory(
            atPath: spool + "/.partial/msg-1.crashed",
            withIntermediateDirectories: true
        )
        try "<p>half".write(toFile: spool + "/.partial/msg-1.crashed/letter.html", atomically: false, encoding: .utf8)
        #expect(await sender.send(try Self.letter()) == .sent(providerMessageId: "msg-1"))
        #expect(Self.letters(spool) == ["msg-1"], "the half-written folder is gone")
        try "picked up".write(toFile: spool + "/msg-1/marker", atomically: true, encoding: .utf8)
        #expect(await sender.send(try Self.letter(html: "<p>another text</p>")) == .sent(providerMessageId: "msg-1"))
        #expect(Self.read(spool + "/msg-1/marker") == "picked up", "a complete letter is left as it is")
        #expect(Self.read(spool + "/msg-1/letter.html").contains("Dear Fred"))
    }

    @Test func aWholeDocumentKeepsItsStylesAndBodyUnderTheLettersPolicy() throws {
        let html = """
            <!DOCTYPE html><html><head><title>Booking</title><style>h1 { color: navy; }</style>
            <meta http-equiv="refresh" content="0;url=file:///etc/passwd"></head>
            <BODY class="x"><h1>Hi Fred</h1><META HTTP-EQUIV='Refresh' CONTENT='0'><iframe src="file:///etc/passwd"></iframe></BODY></html>
            """
        let letter = try #require(PrintLetter(try Self.letter(html: html)))
        let document = letter.html
        let policy = try #require(document.range(of: "Content-Security-Policy"))
        let firstStyle = try #require(document.range(of: "<style>"))
        #expect(policy.lowerBound < firstStyle.lowerBound, "the policy comes before anything the asset wrote")
        #expect(document.contains("default-src 'none'"))
        #expect(document.contains("<style>h1 { color: navy; }</style>"), "the asset's styles are kept")
        #expect(!document.lowercased().contains("refresh"), "no refresh can take the renderer elsewhere")
        #expect(document.components(separatedBy: "<body").count == 2, "one body")
        let block = try #require(document.range(of: "cairn-address\">Mr Fred"))
        let heading = try #require(document.range(of: "<h1>Hi Fred</h1>"))
        #expect(block.lowerBound < heading.lowerBound)
        #expect(document.contains("<meta charset=\"utf-8\">"))
        let hostile = try #require(
            PrintLetter(
                OutboxMessage(
                    messageId: "m",
                    tenant: Tenant(clientId: "c", accountId: "a", brandId: "b"),
                    eventId: EventID.make(at: Timestamp(millisecondsSinceEpoch: 0)),
                    customerId: "c",
                    userId: nil,
                    channel: .print,
                    to: "x",
                    assetId: "a",
                    version: 1,
                    purpose: .transactional,
                    content: ["html": "", "address": ["addressee": "<script>x</script>", "lines": ["1 Road"]]],
                    nextAttemptAt: Timestamp(millisecondsSinceEpoch: 0),
                    createdAt: Timestamp(millisecondsSinceEpoch: 0)
                )
            )
        )
        #expect(hostile.html.contains("&lt;script&gt;x&lt;/script&gt;<br>1 Road"), "the address is text, never markup")
    }

    @Test(.enabled(if: chromium != nil, "no Chromium on this machine"))
    func aRenderedLetterIsAPDFThatNamesTheCustomer() async throws {
        let chromium = try #require(Self.chromium)
        let spool = Self.spool()
        let sender = PrintSpoolSender(directory: spool, renderer: PDFRenderer(executable: chromium))
        #expect(await sender.send(try Self.letter()) == .sent(providerMessageId: "msg-1"))
        #expect(Self.letters(spool) == ["msg-1"], "no profile or partial folder is left")
        #expect(Self.entries(spool + "/msg-1") == ["letter.html", "letter.json", "letter.pdf"])
        let pdf = try Data(contentsOf: URL(fileURLWithPath: spool + "/msg-1/letter.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        let text = try await Self.pdfText(spool + "/msg-1/letter.pdf")
        #expect(text.contains("Mr Fred Flintsonte"))
        #expect(text.contains("CH1ABC"))
        #expect(text.contains("your booking is confirmed"))
    }

    @Test(.enabled(if: chromium != nil, "no Chromium on this machine"))
    func aLetterCannotShowTheRenderersFilesOrRunScripts() async throws {
        let chromium = try #require(Self.chromium)
        let secret = TemporaryFiles.path(named: "secret.txt")
        try "SERVER-SECRET-CONTENT".write(toFile: secret, atomically: true, encoding: .utf8)
        let spool = Self.spool()
        let sender = PrintSpoolSender(directory: spool, renderer: PDFRenderer(executable: chromium))
        let hostile = """
            <p>Visible text</p><iframe src="file://\(secret)"></iframe><object data="file://\(secret)"></object>
            <img src="file://\(secret)"><script>document.write("SCRIPT-RAN")</script>
            """
        #expect(await sender.send(try Self.letter(html: hostile)) == .sent(providerMessageId: "msg-1"))
        let text = try await Self.pdfText(spool + "/msg-1/letter.pdf")
        #expect(text.contains("Visible text"))
        #expect(!text.contains("SERVER-SECRET-CONTENT"), "a letter shows no file of the server's")
        #expect(!text.contains("SCRIPT-RAN"), "a letter runs no script")
    }

    /// The PDF's text, by poppler's pdftotext (scripts/test.sh installs it).
    static func pdfText(_ path: String) async throws -> String {
        let tool = "/usr/bin/pdftotext"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "scripts/test.sh installs poppler-utils")
        let out = TemporaryFiles.path(named: "letter.txt")
        let status = try await ChildProcess.run(tool, [path, out])
        #expect(status == 0)
        return Self.read(out)
    }

    @Test func aPrintHouseAPITakesTheLetterAndItsRetriesAreTheOutboxsRules() async throws {
        try await TestPeer.with("print_fake.py", ["--port", "0", "--key", "print-key-123"]) { peer in
            let base = "http://127.0.0.1:\(peer.port)"
            func sender(_ path: String, key: String = "print-key-123") -> PrintHTTPSender {
                PrintHTTPSender(url: base + path, key: key, renderer: nil, addressPolicy: .anyAddress)
            }
            let message = try Self.letter()
            #expect(await sender("/letters").send(message) == .sent(providerMessageId: "L-1"))
            #expect(await sender("/letters").send(message) == .sent(providerMessageId: "L-1"), "one letter per message")
            guard case .transient(let busy, let retryAfter) = await sender("/busy").send(message) else {
                Issue.record("a 429 is tried again")
                return
            }
            #expect(busy.code == "provider_rejected")
            #expect(retryAfter == .seconds(20))
            guard case .transient = await sender("/down").send(message) else {
                Issue.record("a 503 is tried again")
                return
            }
            guard case .permanent(let refused, _, _) = await sender("/refuse").send(message) else {
                Issue.record("a 400 fails for good")
                return
            }
            #expect(refused.message.contains("the address is incomplete"))
            guard case .permanent(let unauthorised, _, _) = await sender("/letters", key: "wrong").send(message) else {
                Issue.record("a refused key fails for good")
                return
            }
            #expect(!unauthorised.message.contains("wrong"), "the key is never in an error")
            let control = try await FCMClientTests.control(peer, "/_control/letters")
            let letters = try #require(control["letters"]?.arrayValue)
            #expect(letters.count == 1)
            #expect(letters.first?["idempotencyKey"] == "msg-1")
            #expect(letters.first?["letter"]?["recipient"]?["name"] == "Mr Fred Flintsonte")
            #expect(letters.first?["letter"]?["document"]?["contentType"] == "text/html; charset=utf-8")
            #expect(letters.first?["document"]?.stringValue?.contains("Mr Fred Flintsonte<br>56 A Road") == true)
        }
    }
}

/// The spec's identify traits, for the print tests.
enum PrintPlanningFixtures {
    static let specTraits: [String: JSONValue] = [
        "title": "Mr", "firstName": "Fred", "lastName": "Flintsonte",
        "address": [
            "houseNumberOrName": "56", "addressLine1": "A Road", "addressLine2": "Chester",
            "addressLine3": "Cheshire", "postalCode": "CH1ABC",
        ],
    ]
}
