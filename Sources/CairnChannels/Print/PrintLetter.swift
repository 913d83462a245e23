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

    /// What a letter may load while it is rendered: nothing but its own inline styles and
    /// embedded (`data:`) images and fonts. Written first in the document, so it holds for all of
    /// the asset's HTML: a letter cannot show the renderer's files or reach the network.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; frame-src 'none'"

    /// The whole document: Cairn's own, with the policy first, the page and address styles, the
    /// asset's own `<style>` elements (when it is a whole document), then the address block and
    /// the asset's body. `<meta http-equiv="refresh">` is dropped (it could navigate elsewhere).
    public var html: String {
        var styles = ""
        var content = body
        if let bodyOpen = body.range(of: "<body", options: .caseInsensitive),
            let bodyEnd = body[bodyOpen.upperBound...].firstIndex(of: ">")
        {
            // A whole document: its head's styles, and what its body holds.
            let head = body[..<bodyOpen.lowerBound]
            styles = Self.elements("style", in: head).joined(separator: "\n")
            var inner = body[body.index(after: bodyEnd)...]
            if let close = inner.range(of: "</body", options: [.caseInsensitive, .backwards]) {
                inner = inner[..<close.lowerBound]
            }
            content = String(inner)
        }
        content = Self.withoutRefresh(content)
        let block =
            "<div class=\"cairn-address\">" + address.windowLines.map(Self.escaped).joined(separator: "<br>") + "</div>"
        return """
            <!DOCTYPE html>
            <html><head>
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <meta charset="utf-8">
            <title>Letter \(Self.escaped(messageId))</title>
            <style>
            @page { size: \(pageSize); margin: 0; }
            html, body { margin: 0; padding: 0; }
            .cairn-address { position: absolute; left: 20mm; top: 45mm; width: 85mm; height: 45mm; overflow: hidden;
              font: 11pt/1.3 sans-serif; }
            .cairn-letter { padding: 100mm 20mm 20mm 25mm; }
            </style>
            \(styles)
            </head><body>
            \(block)
            <div class="cairn-letter">\(content)</div>
            </body></html>
            """
    }

    /// The `<name …>…</name>` elements in `text`, whole.
    static func elements(_ name: String, in text: Substring) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)", options: .caseInsensitive),
            let close = rest[open.upperBound...].range(of: "</\(name)>", options: .caseInsensitive)
        {
            found.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// `html` without `<meta http-equiv="refresh" …>` tags.
    static func withoutRefresh(_ html: String) -> String {
        var out = ""
        var rest = html[...]
        while let open = rest.range(of: "<meta", options: .caseInsensitive) {
            let end = rest[open.upperBound...].firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[open.lowerBound..<end]
            out += rest[..<open.lowerBound]
            let squeezed = tag.lowercased().filter { !$0.isWhitespace && $0 != "\"" && $0 != "'" }
            if !squeezed.contains("http-equiv=refresh") { out += tag + (end < rest.endIndex ? ">" : "") }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
        }
        return out + rest
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
