import AsyncHTTPClient
public import CairnCore
import Foundation
import NIOCore
import NIOHTTP1

/// Hands each letter to a print house's HTTP API: a JSON POST of what the letter is (as
/// `letter.json` says) and the document (`{"contentType","base64"}`: the PDF when a renderer is
/// configured, else the HTML), with `Authorization: Bearer {key}` and `Idempotency-Key:
/// {messageId}`. A 2xx is sent (its JSON `id`, if any, the provider's name for it); 429 and 5xx
/// are tried again (after `Retry-After`), other answers fail for good; a request written whole
/// and unanswered is an unknown outcome.
public final class PrintHTTPSender: ChannelSender {
    static let maximumAnswerBytes = 64 * 1024

    private let url: String
    private let key: String
    private let renderer: PDFRenderer?
    private let http: ProviderHTTPClient
    private let timeout: Duration
    private let clock: any CairnClock

    public init(
        url: String,
        key: String,
        renderer: PDFRenderer?,
        addressPolicy: OutboundAddressPolicy,
        timeout: Duration = .seconds(60),
        clock: any CairnClock = SystemClock()
    ) {
        self.url = url
        self.key = key
        self.renderer = renderer
        self.http = ProviderHTTPClient(policy: addressPolicy, grace: timeout + .seconds(10))
        self.timeout = timeout
        self.clock = clock
    }

    public func send(_ message: OutboxMessage) async -> SendOutcome {
        guard let letter = PrintLetter(message) else {
            return .permanent(PrintLetter.noAddress, withdrawsConsent: false)
        }
        let document: JSONValue
        do {
            document = try await self.document(for: letter)
        } catch {
            return .transient(.providerUnavailable("Print: \(error)"))
        }
        guard case .object(var fields) = letter.record() else {
            return .permanent(PrintLetter.noAddress, withdrawsConsent: false)
        }
        fields["document"] = document
        do {
            return .sent(providerMessageId: try await post(.object(fields), messageId: message.messageId))
        } catch {
            return SendOutcome(error, text: error.message)
        }
    }

    /// The PDF (rendered in a scratch folder of its own) or the HTML, in base64.
    private func document(for letter: PrintLetter) async throws -> JSONValue {
        let html = letter.html
        guard let renderer else {
            return [
                "contentType": "text/html; charset=utf-8", "base64": .string(Data(html.utf8).base64EncodedString()),
            ]
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-letter-\(UUID().uuidString)")
        try LetterFiles.makeDirectory(scratch.path)
        defer { LetterFiles.remove(scratch.path) }
        try LetterFiles.write(Array(html.utf8), to: scratch.path + "/letter.html")
        try await renderer.render(
            html: scratch.path + "/letter.html",
            to: scratch.path + "/letter.pdf",
            scratch: scratch.path + "/profile"
        )
        let pdf = try Data(contentsOf: scratch.appendingPathComponent("letter.pdf"))
        return ["contentType": "application/pdf", "base64": .string(pdf.base64EncodedString())]
    }

    private func post(_ body: JSONValue, messageId: String) async throws(ProviderError) -> String? {
        let client = try await http.client(for: url, provider: "Print")
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url,
                method: .POST,
                headers: [
                    "Authorization": "Bearer " + key, "Content-Type": "application/json", "Idempotency-Key": messageId,
                ],
                body: .bytes(body.encoded())
            )
        } catch {
            throw .misconfigured("Print: the provider's URL cannot be used (\(error))")
        }
        let answer = try await HTTPExchange.send(
            request,
            client: client,
            maximumAnswerBytes: Self.maximumAnswerBytes,
            timeout: timeout,
            clock: clock,
            provider: "Print provider"
        )
        let json = try? JSONParser.parse(Array(answer.body.readableBytesView))
        if (200..<300).contains(answer.status) { return json?["id"]?.stringValue }
        let words =
            json?["message"]?.stringValue ?? json?["error"]?.stringValue
            ?? String(decoding: answer.body.readableBytesView.prefix(200), as: UTF8.self)
        var failure = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "The print provider refused the letter (HTTP \(answer.status)): \(words)",
            httpStatus: answer.status
        )
        if answer.status == 429 || answer.status >= 500 {
            failure.kind = .transient
            failure.retryAfter = answer.headers.first(name: "Retry-After").flatMap(Int.init).map {
                .seconds(max(0, $0))
            }
        }
        throw failure
    }

    public func shutdown() async { await http.shutdown() }
}
