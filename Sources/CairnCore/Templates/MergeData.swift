/// What merge tags read: the root fields of the command event (`{{bookingId}}`, and its
/// `properties`), and `customer`, the customer's current traits with `customerId` and `userId`
/// beside them (`{{customer.firstName}}`, `{{customer.address.postalCode}}`).
public struct MergeData: Sendable, Hashable {
    public var root: [String: JSONValue]

    public init(root: [String: JSONValue]) {
        self.root = root
    }

    /// The merge data of a send: the event's root fields, with the fields of its `properties`
    /// beneath them (as the Segment and RudderStack SDKs send custom data: `{{bookingId}}` reads
    /// a root `bookingId`, else `properties.bookingId`; `{{properties.bookingId}}` works too),
    /// then `customer` over them.
    public init(event: JSONValue, customer: CustomerProfile?) {
        var root = event.objectValue ?? [:]
        if case .object(let properties)? = root["properties"] {
            root.merge(properties) { own, _ in own }
        }
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
}
