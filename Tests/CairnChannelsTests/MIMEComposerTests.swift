import CairnChannels
import Foundation
import Testing

/// The messages MIMEComposer writes, read back byte by byte.
@Suite struct MIMEComposerTests {
    static let date = Date(timeIntervalSince1970: 1_770_113_045)  // Tue, 03 Feb 2026 10:04:05 UTC

    static func message(
        from: EmailAddress = EmailAddress(name: "Cairn", address: "news@cairn.example"),
        to: EmailAddress = EmailAddress(name: nil, address: "ann@example.com"),
        subject: String = "Hello",
        text: String? = "Hi Ann",
        html: String? = nil,
        extraHeaders: [(name: String, value: String)] = []
    ) -> EmailMessage {
        EmailMessage(
            from: from,
            to: to,
            subject: subject,
            text: text,
            html: html,
            messageId: "0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
            date: date,
            extraHeaders: extraHeaders
        )
    }

    static func text(_ composed: ComposedEmail) -> String { String(decoding: composed.bytes, as: UTF8.self) }

    static func lines(_ composed: ComposedEmail) -> [Substring] {
        text(composed).split(separator: "\r\n", omittingEmptySubsequences: false).map { $0 }
    }

    @Test func aPlainMessageHasExactlyTheseBytes() {
        let composed = MIMEComposer.compose(
            Self.message(extraHeaders: [("List-Unsubscribe", "<https://cairn.example/u/1>")])
        )
        #expect(
            Self.text(composed) == """
                Date: Tue, 03 Feb 2026 10:04:05 +0000\r
                From: Cairn <news@cairn.example>\r
                To: ann@example.com\r
                Subject: Hello\r
                Message-ID: <0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b@cairn.example>\r
                MIME-Version: 1.0\r
                List-Unsubscribe: <https://cairn.example/u/1>\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: quoted-printable\r
                \r
                Hi Ann\r

                """
        )
        #expect(composed.envelopeFrom == "news@cairn.example")
        #expect(composed.recipients == ["ann@example.com"])
        #expect(composed.needsSMTPUTF8 == false)
    }

    @Test func replyToAndQuotedDisplayNames() {
        var message = Self.message(from: EmailAddress(name: "Doe, John \"JD\"", address: "jd@x.example"))
        message.replyTo = EmailAddress(name: "Support Team", address: "help@x.example")
        let headers = MIMETestDecoding.split(Self.text(MIMEComposer.compose(message))).headers
        #expect(headers.first { $0.name == "From" }?.value == #""Doe, John \"JD\"" <jd@x.example>"#)
        #expect(headers.first { $0.name == "Reply-To" }?.value == "Support Team <help@x.example>")
        #expect(
            headers.map(\.name).prefix(7) == [
                "Date", "From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version",
            ]
        )
    }

    @Test func aLongNonASCIILineIsQuotedPrintableWithinSeventySixCharacters() {
        let line = String(repeating: "Grüße aus Köln – ", count: 20) + "end. "
        let composed = MIMEComposer.compose(Self.message(text: line + "\nsecond line"))
        let body = MIMETestDecoding.split(Self.text(composed)).body
        for bodyLine in body.components(separatedBy: "\r\n") {
            #expect(bodyLine.utf8.count <= 76)
            #expect(bodyLine.utf8.allSatisfy { $0 < 0x80 })
        }
        #expect(body.contains("Gr=C3=BC=C3=9Fe"))
        // The trailing space before the line break is escaped so that no transport strips it.
        #expect(body.contains("=20\r\nsecond line\r\n"))
        let decoded = String(decoding: MIMETestDecoding.quotedPrintable(body), as: UTF8.self)
        #expect(decoded == line + "\r\nsecond line\r\n")
    }

    @Test func equalsSignsAndTabsAreEscapedWhereNeeded() {
        let composed = MIMEComposer.compose(Self.message(text: "a=b\tc\t\nx"))
        let body = MIMETestDecoding.split(Self.text(composed)).body
        #expect(body == "a=3Db\tc=09\r\nx\r\n")
    }

    @Test func aNonASCIISubjectAndNameBecomeEncodedWords() throws {
        let subject = "Ihre Bestellung ist unterwegs 🚚 — Grüße von Zoë, Ærøskøbing und München!"
        let composed = MIMEComposer.compose(
            Self.message(from: EmailAddress(name: "Zoë Café", address: "zoe@cafe.example"), subject: subject)
        )
        let headers = MIMETestDecoding.split(Self.text(composed)).headers
        let folded = try #require(headers.first { $0.name == "Subject" }?.value)
        #expect(folded.hasPrefix("=?UTF-8?B?"))
        #expect(MIMETestDecoding.headerValue(folded) == subject)
        for word in folded.replacingOccurrences(of: "\r\n", with: "").split(separator: " ") {
            #expect(word.count <= 75)
        }
        let from = try #require(headers.first { $0.name == "From" }?.value)
        #expect(MIMETestDecoding.headerValue(from) == "Zoë Café <zoe@cafe.example>")
        for line in Self.lines(composed) where !line.isEmpty {
            #expect(line.utf8.count <= 78)
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
        }
        #expect(composed.needsSMTPUTF8 == false)
    }

    @Test func textAndHTMLMakeAMultipartAlternativeWithTextFirst() throws {
        let composed = MIMEComposer.compose(Self.message(text: "Plain = text", html: "<p>Hello <b>Ann</b></p>"))
        let (headers, body) = MIMETestDecoding.split(Self.text(composed))
        let contentType = try #require(headers.first { $0.name == "Content-Type" }?.value)
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\""))
        let boundary = try #require(contentType.split(separator: "\"").dropFirst().first).description
        #expect(!boundary.isEmpty && boundary.count <= 70)
        #expect(!headers.contains { $0.name == "Content-Transfer-Encoding" })
        let parts = body.components(separatedBy: "\r\n--\(boundary)")
        #expect(parts.count == 4)  // preamble, text, html, "--" epilogue
        #expect(
            parts[1]
                == "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nPlain =3D text\r\n"
        )
        #expect(parts[2].hasPrefix("\r\nContent-Type: text/html; charset=utf-8\r\n"))
        #expect(parts[2].hasSuffix("\r\n\r\n<p>Hello <b>Ann</b></p>\r\n"))
        #expect(parts[3] == "--\r\n")
        #expect(!parts[1].contains(boundary) && !parts[2].contains(boundary))
        // The same message composes to the same bytes (the boundary comes from the message id).
        #expect(
            MIMEComposer.compose(Self.message(text: "Plain = text", html: "<p>Hello <b>Ann</b></p>")).bytes
                == composed.bytes
        )
    }

    @Test func onlyHTMLIsASinglePart() {
        let composed = MIMEComposer.compose(Self.message(text: nil, html: "<p>Hi</p>"))
        #expect(
            Self.text(composed).hasSuffix(
                "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hi</p>\r\n"
            )
        )
    }

    @Test func everyLineEndIsCRLF() {
        let composed = MIMEComposer.compose(
            Self.message(subject: "a\rb", text: "one\ntwo\rthree\r\nfour", html: "x\ny")
        )
        let bytes = composed.bytes
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
        }
    }

    @Test func noLineIsLongerThan998EvenForAnUnbreakableValue() {
        let composed = MIMEComposer.compose(
            Self.message(
                subject: String(repeating: "x", count: 2500),
                extraHeaders: [
                    ("X-Long", String(repeating: "token ", count: 400)),
                    ("X-Blob", String(repeating: "y", count: 3000)),
                ]
            )
        )
        for line in Self.lines(composed) { #expect(line.utf8.count <= 998) }
        let headers = MIMETestDecoding.split(Self.text(composed)).headers
        let folded = headers.first { $0.name == "X-Long" }?.value ?? ""
        #expect(folded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(folded.replacingOccurrences(of: "\r\n", with: "") == String(repeating: "token ", count: 399) + "token")
    }

    @Test func headerInjectionIsStripped() {
        let composed = MIMEComposer.compose(
            Self.message(
                from: EmailAddress(name: "Eve\r\nBcc: victim@example.com", address: "eve@x.example"),
                subject: "Hello\r\nBcc: victim@example.com\r\n\r\nbody",
                extraHeaders: [
                    ("X-Tag", "a\r\nBcc: victim@example.com"), ("Bcc", "victim@example.com"),
                    ("X-Evil\r\nBcc", "victim@example.com"),
                ]
            )
        )
        let lines = Self.lines(composed)
        #expect(!lines.contains { $0.lowercased().hasPrefix("bcc") })
        let headers = MIMETestDecoding.split(Self.text(composed)).headers
        #expect(headers.first { $0.name == "Subject" }?.value == "HelloBcc: victim@example.combody")
        #expect(headers.first { $0.name == "X-Tag" }?.value == "aBcc: victim@example.com")
        #expect(headers.first { $0.name == "X-EvilBcc" }?.value == "victim@example.com")
    }

    @Test func anInternationalisedAddressNeedsSMTPUTF8() {
        let composed = MIMEComposer.compose(
            Self.message(to: EmailAddress(name: "José", address: "josé@correo.example"))
        )
        #expect(composed.needsSMTPUTF8)
        #expect(composed.recipients == ["josé@correo.example"])
        #expect(Self.text(composed).contains("To: =?UTF-8?B?Sm9zw6k=?= <josé@correo.example>\r\n"))
    }

    @Test func theMessageIDIsMadeFromTheMessageIdAndTheSendersDomain() {
        var message = Self.message(from: EmailAddress(name: nil, address: "a@Mail.Example.COM"))
        message.messageId = "evt 42<>@x"
        #expect(Self.text(MIMEComposer.compose(message)).contains("Message-ID: <evt42x@mail.example.com>\r\n"))
    }

    @Test(arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (951_868_799.0, "Tue, 29 Feb 2000 23:59:59 +0000"),
        (-86_400.0, "Wed, 31 Dec 1969 00:00:00 +0000"),
    ])
    func datesAreRFC5322InUTC(seconds: Double, expected: String) {
        var message = Self.message()
        message.date = Date(timeIntervalSince1970: seconds)
        #expect(Self.text(MIMEComposer.compose(message)).hasPrefix("Date: \(expected)\r\n"))
    }
}
