public import CairnCore
import Foundation

/// A letter as a print house takes it: the asset's rendered HTML with the address block written
/// in, on an A4 (or US Letter) page, where a windowed envelope shows it (DIN 5008's address
/// field: 20 mm from the left edge, 45 mm from the top, 85 × 45 mm, which DL and C5 window
/// envelopes show), and a record of what it is (`letter.json`).
public struct PrintLetter: Sendable, Hashable {
    public var messageId: String
    public var eventId: String
    public var assetId: String
    public var version: Int
    public var address: PostalAddress
    /// `A4` or `Letter`.
    public var pageSize: String
    /// The asset's rendered HTML.
    public var body: String

    /// The letter a print message holds; nil when its content has no address (it cannot go).
    public init?(_ message: OutboxMessage) {
        guard let address = PostalAddress(stored: message.content["address"]) else { return nil }
        self.messageId = message.messageId
        self.eventId = message.eventId.description
        self.assetId = message.assetId
        self.version = message.version
        self.address = address
        self.pageSize = message.content["pageSize"]?.stringValue == "Letter" ? "Letter" : "A4"
        self.body = message.content["html"]?.stringValue ?? ""
    }

    public static let noAddress = MessageError(
        code: "no_postal_address",
        message: "The letter holds no postal address, so it cannot be printed."
    )

    /// The whole document: the address block first, then the asset's body (its own `<head>` and
    /// `<body>` kept when it has them).
    public var html: String {
        let style = """
            <style>
            @page { size: \(pageSize); margin: 0; }
            html, body { margin: 0; padding: 0; }
            .cairn-address { position: absolute; left: 20mm; top: 45mm; width: 85mm; height: 45mm; overflow: hidden;
              font: 11pt/1.3 sans-serif; }
            .cairn-letter { padding: 100mm 20mm 20mm 25mm; }
            </style>
            """
        let block =
            "<div class=\"cairn-address\">"
            + address.windowLines.map(Self.escaped).joined(separator: "<br>") + "</div>\n"
        guard let bodyOpen = body.range(of: "<body", options: .caseInsensitive),
            let bodyEnd = body[bodyOpen.upperBound...].firstIndex(of: ">")
        else {
            return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Letter \(messageId)</title>
                \(style)
                </head><body>
                \(block)<div class="cairn-letter">\(body)</div>
                </body></html>
                """
        }
        // A whole document: the block after <body …>, the asset's body in the letter's frame,
        // and the style before </head> (else just before the block).
        let opened = body.index(after: bodyEnd)
        let head = String(body[..<opened])
        var inner = String(body[opened...])
        var tail = ""
        if let close = inner.range(of: "</body", options: [.caseInsensitive, .backwards]) {
            tail = String(inner[close.lowerBound...])
            inner = String(inner[..<close.lowerBound])
        }
        var document = head + "\n" + block + "<div class=\"cairn-letter\">" + inner + "</div>" + tail
        if let headEnd = document.range(of: "</head", options: .caseInsensitive) {
            document.insert(contentsOf: style + "\n", at: headEnd.lowerBound)
        } else if let blockStart = document.range(of: block) {
            document.insert(contentsOf: style + "\n", at: blockStart.lowerBound)
        }
        return document
    }

    /// What the letter is, beside it: recipient, address, asset, version, message and event.
    public func record(document: String? = nil) -> JSONValue {
        var recipient: [String: JSONValue] = ["address": .array(address.lines.map(JSONValue.string))]
        if let addressee = address.addressee { recipient["name"] = .string(addressee) }
        var fields: [String: JSONValue] = [
            "messageId": .string(messageId), "eventId": .string(eventId), "assetId": .string(assetId),
            "version": .number(String(version)), "pageSize": .string(pageSize), "recipient": .object(recipient),
            "addressLines": .array(address.windowLines.map(JSONValue.string)),
        ]
        if let document { fields["document"] = .string(document) }
        return .object(fields)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
