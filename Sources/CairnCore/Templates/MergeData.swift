/// What merge tags read: the root fields of the command event (`{{bookingId}}`, and its
/// `properties`), and `customer`, the customer's current traits with `customerId` and `userId`
/// beside them (`{{customer.firstName}}`, `{{customer.address.postalCode}}`).
public struct MergeData: Sendable, Hashable {
    public var root: [String: JSONValue]

    public init(root: [String: JSONValue]) {
        self.root = root
    }

    /// The merge data of a send: the event's root fields, then `customer` over them.
    public init(event: JSONValue, customer: CustomerProfile?) {
        var root = event.objectValue ?? [:]
        if let customer {
            var fields = customer.traits
            fields["customerId"] = .string(customer.customerId)
            if let userId = customer.userId { fields["userId"] = .string(userId) }
            root["customer"] = .object(fields)
        }
        self.root = root
    }

    /// The value at a dotted path (`customer.address.postalCode`), if any.
    static func value(at path: [Substring], in object: JSONValue) -> JSONValue? {
        var current = object
        for name in path {
            guard case .object(let fields) = current, let next = fields[String(name)], !next.isNull else { return nil }
            current = next
        }
        return current
    }

    /// The data as Mustache reads it: objects as dictionaries, numbers as JSON writes them.
    var mustacheValue: Any { Self.mustacheValue(.object(root)) ?? [String: Any]() }

    static func mustacheValue(_ value: JSONValue) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number(let text): return JSONNumberText(text: text)
        case .string(let text): return text
        case .array(let items): return items.compactMap(mustacheValue)
        case .object(let fields): return fields.compactMapValues(mustacheValue)
        }
    }
}

/// A JSON number in a template: written exactly as the JSON had it (`1.50`, `1e3`, `42`).
struct JSONNumberText: MustacheNumber {
    let text: String
}
