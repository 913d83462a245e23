/// A split's condition, on the customer's traits, consent, or the journey's data:
/// `{"trait":"tier","equals":"gold"}`, `{"trait":"tier","exists":true}`,
/// `{"trait":"nights","greaterThan":3}`, `{"trait":"nights","lessThan":3}`,
/// `{"trait":"tags","contains":"vip"}`, `{"consent":"email"}` (subscribed),
/// `{"data":"bookingId","exists":true}`, and `{"all":[…]}` / `{"any":[…]}` of others. Paths are
/// dotted (`address.postalCode`).
public indirect enum JourneyCondition: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case trait(String)
        case data(String)
    }

    public enum Test: Sendable, Hashable {
        case equals(JSONValue)
        case exists(Bool)
        case greaterThan(Double)
        case lessThan(Double)
        case contains(JSONValue)
    }

    case compare(Source, Test)
    case consent(channel: String)
    case all([JourneyCondition])
    case any([JourneyCondition])

    /// Why a condition cannot be read.
    public struct Refusal: Error, Sendable, Hashable {
        public var message: String
    }

    public init(json: JSONValue) throws(Refusal) {
        guard case .object(let fields) = json else {
            throw Refusal(message: "A condition is an object, such as {\"trait\":\"tier\",\"equals\":\"gold\"}.")
        }
        for group in ["all", "any"] {
            guard let value = fields[group] else { continue }
            guard fields.count == 1, let items = value.arrayValue, !items.isEmpty else {
                throw Refusal(message: "\(group) is a non-empty list of conditions, alone in its object.")
            }
            var parts: [JourneyCondition] = []
            for item in items { parts.append(try JourneyCondition(json: item)) }
            self = group == "all" ? .all(parts) : .any(parts)
            return
        }
        if let channel = fields["consent"] {
            guard fields.count == 1, let name = channel.stringValue, !name.isEmpty else {
                throw Refusal(message: "consent names a channel (email, sms, push…), alone in its object.")
            }
            self = .consent(channel: name)
            return
        }
        let source: Source
        if let trait = fields["trait"]?.stringValue, !trait.isEmpty, fields["data"] == nil {
            source = .trait(trait)
        } else if let data = fields["data"]?.stringValue, !data.isEmpty, fields["trait"] == nil {
            source = .data(data)
        } else {
            throw Refusal(message: "A condition names one trait, one data field, a consent, or all/any of others.")
        }
        let tests = fields.filter { $0.key != "trait" && $0.key != "data" }
        guard tests.count == 1, let (name, operand) = tests.first else {
            throw Refusal(message: "A condition has one test: equals, exists, greaterThan, lessThan or contains.")
        }
        switch name {
        case "equals": self = .compare(source, .equals(operand))
        case "contains": self = .compare(source, .contains(operand))
        case "exists":
            guard case .bool(let flag) = operand else { throw Refusal(message: "exists is true or false.") }
            self = .compare(source, .exists(flag))
        case "greaterThan", "lessThan":
            guard case .number(let text) = operand, let number = Double(text) else {
                throw Refusal(message: "\(name) compares with a number.")
            }
            self = .compare(source, name == "greaterThan" ? .greaterThan(number) : .lessThan(number))
        default:
            throw Refusal(
                message: "\(name) is not a test: use equals, exists, greaterThan, lessThan or contains."
            )
        }
    }

    /// Whether it holds for a customer's `traits` and `consent` and the journey's `data`.
    public func holds(
        traits: [String: JSONValue],
        consent: [String: ChannelConsent],
        data: [String: JSONValue]
    )
        -> Bool
    {
        switch self {
        case .all(let parts): return parts.allSatisfy { $0.holds(traits: traits, consent: consent, data: data) }
        case .any(let parts): return parts.contains { $0.holds(traits: traits, consent: consent, data: data) }
        case .consent(let channel): return ConsentRules.isSubscribed(consent, channel: channel)
        case .compare(let source, let test):
            let value: JSONValue?
            switch source {
            case .trait(let path): value = Self.value(at: path, in: traits)
            case .data(let path): value = Self.value(at: path, in: data)
            }
            return Self.passes(value, test)
        }
    }

    static func value(at path: String, in root: [String: JSONValue]) -> JSONValue? {
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        var current = root[parts.removeFirst()]
        for part in parts {
            guard case .object(let fields)? = current else { return nil }
            current = fields[part]
        }
        return current.flatMap { $0.isNull ? nil : $0 }
    }

    static func passes(_ value: JSONValue?, _ test: Test) -> Bool {
        switch test {
        case .exists(let flag): return (value != nil) == flag
        case .equals(let expected):
            guard let value else { return false }
            if case .number(let a) = value, case .number(let b) = expected { return Double(a) == Double(b) }
            if case .string(let a) = value, case .string(let b) = expected { return a == b }
            return value == expected
        case .greaterThan(let bound): return number(value).map { $0 > bound } ?? false
        case .lessThan(let bound): return number(value).map { $0 < bound } ?? false
        case .contains(let item):
            switch value {
            case .array(let items)?: return items.contains(item)
            case .string(let text)?: return item.stringValue.map { text.contains($0) } ?? false
            default: return false
            }
        }
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let text)?: return Double(text)
        case .string(let text)?: return Double(text)
        default: return nil
        }
    }
}
