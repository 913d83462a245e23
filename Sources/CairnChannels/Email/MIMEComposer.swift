/// Turns an ``EmailMessage`` into RFC 5322 bytes: the standard headers, then the extra ones, then a
/// text/plain or text/html part, or both in a multipart/alternative (text first), every part UTF-8
/// in quoted-printable so that the message is 7-bit apart from internationalised addresses.
public enum MIMEComposer {
    /// Headers this composer writes itself; extra headers with these names are ignored.
    static let ownHeaders: Set<String> = [
        "date", "from", "to", "reply-to", "subject", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "cc", "bcc", "sender",
    ]

    /// The RFC 5322 message, CRLF line ends, NOT dot-stuffed (the SMTP client stuffs). CR and LF in
    /// header values are removed.
    public static func compose(_ message: EmailMessage) -> ComposedEmail {
        var headers = MIMEHeaderWriter()
        headers.append("Date", MIMEDate.format(message.date))
        headers.append("From", MIMEHeaderWriter.mailbox(message.from, headerName: "From"))
        headers.append("To", MIMEHeaderWriter.mailbox(message.to, headerName: "To"))
        if let replyTo = message.replyTo {
            headers.append("Reply-To", MIMEHeaderWriter.mailbox(replyTo, headerName: "Reply-To"))
        }
        headers.append("Subject", MIMEHeaderWriter.unstructured(message.subject, headerName: "Subject"))
        headers.append("Message-ID", messageIDHeader(message))
        headers.append("MIME-Version", "1.0")
        for (name, value) in message.extraHeaders {
            let cleanName = String(name.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" })
            guard !cleanName.isEmpty, !ownHeaders.contains(cleanName.lowercased()) else { continue }
            headers.append(cleanName, MIMEHeaderWriter.unstructured(value, headerName: cleanName))
        }

        var body: [UInt8] = []
        switch (message.text, message.html) {
        case (let text?, let html?):
            let parts = [
                ("text/plain", MIMEQuotedPrintable.encode(text)), ("text/html", MIMEQuotedPrintable.encode(html)),
            ]
            let boundary = self.boundary(for: message.messageId)
            headers.append("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            // A blank line ends the header block; the preamble and the parts follow.
            body.append(contentsOf: Array("\r\nThis is a multi-part message in MIME format.\r\n".utf8))
            for (type, encoded) in parts {
                body.append(contentsOf: Array("\r\n--\(boundary)\r\n".utf8))
                body.append(contentsOf: Array(partHeaders(type).utf8))
                body.append(contentsOf: Array("\r\n".utf8))
                body.append(contentsOf: encoded)
            }
            body.append(contentsOf: Array("\r\n--\(boundary)--\r\n".utf8))
        // A single part: its Content-Type lines end the message's header block.
        case (nil, let html?):
            body.append(contentsOf: Array(partHeaders("text/html").utf8) + Array("\r\n".utf8))
            body.append(contentsOf: MIMEQuotedPrintable.encode(html))
        case (let text, nil):
            body.append(contentsOf: Array(partHeaders("text/plain").utf8) + Array("\r\n".utf8))
            body.append(contentsOf: MIMEQuotedPrintable.encode(text ?? ""))
        }

        let addresses = [message.from, message.to] + (message.replyTo.map { [$0] } ?? [])
        return ComposedEmail(
            bytes: headers.bytes + body,
            needsSMTPUTF8: addresses.contains(where: \.isInternationalized),
            envelopeFrom: MIMEHeaderWriter.sanitized(message.from.address),
            recipients: [MIMEHeaderWriter.sanitized(message.to.address)]
        )
    }

    private static func partHeaders(_ type: String) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
    }

    /// `<id@domain>` from the message's id and the sender's domain, both kept to dot-atom text.
    static func messageIDHeader(_ message: EmailMessage) -> String {
        func dotAtom(_ text: String) -> String {
            let kept = text.utf8.filter { MIMEHeaderWriter.isAtext($0) || $0 == UInt8(ascii: ".") }
            return String(decoding: kept, as: UTF8.self).split(separator: ".").joined(separator: ".")
        }
        let id = dotAtom(message.messageId)
        let domain = dotAtom(message.from.domain.lowercased())
        return "<\(id.isEmpty ? "message" : id)@\(domain.isEmpty ? "localhost" : domain)>"
    }

    /// A boundary made from the message id (so the same message composes to the same bytes).
    /// It begins "=_", which no part can hold: every part is quoted-printable, where "=" is
    /// always followed by a hex digit or a line end.
    static func boundary(for messageId: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageId.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return "=_cairn_" + String(hash, radix: 16)
    }
}
