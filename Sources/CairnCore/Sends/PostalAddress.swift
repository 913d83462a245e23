import Foundation

/// Where a letter goes, from a customer's traits as the spec's identify gives them:
/// `traits.address` `{"houseNumberOrName","addressLine1","addressLine2","addressLine3",
/// "postalCode","country"}` and the addressee from `title`, `firstName` and `lastName`
/// ("Mr Fred Flintsonte"). A house number joins the first line ("56 A Road"); a house name
/// ("Rose Cottage") is a line of its own.
public struct PostalAddress: Sendable, Hashable {
    /// "Mr Fred Flintsonte", or nil when the traits name no one.
    public var addressee: String?
    /// The address's lines, without the addressee.
    public var lines: [String]

    /// The most lines an address keeps, and characters a line keeps (a window shows no more).
    static let maximumLines = 8
    static let maximumLineLength = 200

    public init?(traits: [String: JSONValue]) {
        guard case .object(let address)? = traits["address"] else { return nil }
        func text(_ value: JSONValue?) -> String? {
            let raw: String?
            switch value {
            case .string(let string)?: raw = string
            case .number(let number)?: raw = number
            default: raw = nil
            }
            guard let raw else { return nil }
            let single = raw.split(whereSeparator: \.isNewline).joined(separator: " ")
            let trimmed = single.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : String(trimmed.prefix(Self.maximumLineLength))
        }
        let house = text(address["houseNumberOrName"])
        let first = text(address["addressLine1"])
        var lines: [String] = []
        switch (house, first) {
        case (let house?, let first?) where house.first?.isNumber == true && house.count <= 8:
            lines.append("\(house) \(first)")
        case (let house?, let first?):
            lines += [house, first]
        case (let house?, nil):
            lines.append(house)
        case (nil, let first?):
            lines.append(first)
        case (nil, nil):
            return nil
        }
        let rest = ["addressLine2", "addressLine3", "postalCode", "country"].compactMap { text(address[$0]) }
        // A street line alone reaches no one: a town, county or postcode must follow it.
        guard !rest.isEmpty else { return nil }
        self.lines = Array((lines + rest).prefix(Self.maximumLines))
        let name = ["title", "firstName", "lastName"].compactMap { text(traits[$0]) }
        self.addressee = name.isEmpty ? nil : name.joined(separator: " ")
    }

    /// The addressee then the address: what the window shows.
    public var windowLines: [String] { (addressee.map { [$0] } ?? []) + lines }

    /// The whole address on one line ("Mr Fred Flintsonte, 56 A Road, Chester, …"): a letter's `to`.
    public var singleLine: String { windowLines.joined(separator: ", ") }

    /// As merge tags read it: `{{address.lines}}` (the lines, one per line of text),
    /// `{{address.singleLine}}`, `{{address.addressee}}`, and `{{#address.list}}{{.}}<br>{{/address.list}}`.
    public var mergeData: JSONValue {
        var fields: [String: JSONValue] = [
            "lines": .string(windowLines.joined(separator: "\n")), "singleLine": .string(singleLine),
            "list": .array(windowLines.map(JSONValue.string)),
        ]
        if let addressee { fields["addressee"] = .string(addressee) }
        return .object(fields)
    }

    /// As a letter's content keeps it for the print provider.
    public var stored: JSONValue {
        var fields: [String: JSONValue] = ["lines": .array(lines.map(JSONValue.string))]
        if let addressee { fields["addressee"] = .string(addressee) }
        return .object(fields)
    }

    /// An address as a letter's content keeps it; nil for anything else.
    public init?(stored: JSONValue?) {
        guard let lines = stored?["lines"]?.arrayValue?.compactMap(\.stringValue), !lines.isEmpty else { return nil }
        self.lines = lines
        self.addressee = stored?["addressee"]?.stringValue
    }
}
