/// Turns any `Encodable` into a `JSONValue`, so it can be written by `JSONValue.encoded()`.
///
/// A `JSONValue` met while encoding is inserted as it is, so a stored number keeps its exact
/// text (`1.50`, `1e400`, `-0`). Integers are written in full, a `Double` or `Float` as people
/// write it (`100` rather than `100.0`); infinity and NaN cannot be written and throw an
/// `EncodingError`. A value that writes nothing becomes an empty object, as with `JSONEncoder`.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        try JSONNode.encoding(value, codingPath: []).value
    }
}

/// A value being built by the encoder: a reference, so that containers handed out earlier keep
/// writing into the place they were made for.
final class JSONNode {
    private var scalar: JSONValue?
    private var members: [String: JSONNode]?
    private var items: [JSONNode]?

    init() {}

    init(_ value: JSONValue) {
        scalar = value
    }

    /// The node for `value`: a `JSONValue` as it is, anything else as it encodes itself.
    static func encoding(_ value: some Encodable, codingPath: [any CodingKey]) throws -> JSONNode {
        if let json = value as? JSONValue { return JSONNode(json) }
        let node = JSONNode()
        try value.encode(to: JSONNodeEncoder(node: node, codingPath: codingPath))
        return node
    }

    /// The finished value; a node nothing was written into is an empty object.
    var value: JSONValue {
        if let members { return .object(members.mapValues(\.value)) }
        if let items { return .array(items.map(\.value)) }
        return scalar ?? .object([:])
    }

    /// Makes this node a single value, replacing whatever it held.
    func set(_ value: JSONValue) {
        scalar = value
        members = nil
        items = nil
    }

    /// Makes this node an object; an object already here keeps its members, so a second keyed
    /// container adds to the first.
    func makeObject() {
        guard members == nil else { return }
        scalar = nil
        items = nil
        members = [:]
    }

    /// Makes this node an array; an array already here keeps its items.
    func makeArray() {
        guard items == nil else { return }
        scalar = nil
        members = nil
        items = []
    }

    func setMember(_ node: JSONNode, forKey key: String) {
        makeObject()
        members?[key] = node
    }

    /// The member `key`, made (empty) if it is not there yet.
    func member(_ key: String) -> JSONNode {
        if let existing = members?[key] { return existing }
        let node = JSONNode()
        setMember(node, forKey: key)
        return node
    }

    func append(_ node: JSONNode) {
        makeArray()
        items?.append(node)
    }

    var count: Int {
        items?.count ?? 0
    }
}

/// The `Encoder` handed to each value: it writes into one node.
struct JSONNodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return JSONUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(node: node, codingPath: codingPath)
    }
}

/// How scalars become `JSONValue`s, shared by the three containers.
enum JSONScalar {
    static func integer(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }

    /// A whole number within ±1e15 without a fraction (`100`), any other as Swift writes it.
    static func double(_ value: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw notFinite(value, codingPath: codingPath) }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    static func float(_ value: Float, codingPath: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else { throw notFinite(value, codingPath: codingPath) }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    private static func notFinite(_ value: Any, codingPath: [any CodingKey]) -> EncodingError {
        EncodingError.invalidValue(
            value,
            EncodingError.Context(codingPath: codingPath, debugDescription: "JSON cannot hold \(value).")
        )
    }
}

/// A coding key made from a string or an index, for paths through arrays and `super`.
struct JSONCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }

    static let superKey = JSONCodingKey(stringValue: "super")
}
