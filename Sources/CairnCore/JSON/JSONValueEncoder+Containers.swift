/// The keyed container: writes members into an object node.
struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]

    private func put(_ value: JSONValue, _ key: Key) {
        node.setMember(JSONNode(value), forKey: key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try JSONScalar.double(value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try JSONScalar.float(value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(JSONScalar.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(JSONScalar.integer(value), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        node.setMember(try JSONNode.encoding(value, codingPath: codingPath + [key]), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        JSONNodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
            .container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(
            node: node.member(JSONCodingKey.superKey.stringValue),
            codingPath: codingPath + [JSONCodingKey.superKey]
        )
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

/// The unkeyed container: appends items to an array node.
struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    var count: Int { node.count }

    private var nextKey: JSONCodingKey { JSONCodingKey(intValue: node.count) }

    private func put(_ value: JSONValue) {
        node.append(JSONNode(value))
    }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws {
        put(try JSONScalar.double(value, codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Float) throws { put(try JSONScalar.float(value, codingPath: codingPath + [nextKey])) }
    mutating func encode(_ value: Int) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int8) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int16) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int32) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int64) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(JSONScalar.integer(value)) }

    mutating func encode(_ value: some Encodable) throws {
        node.append(try JSONNode.encoding(value, codingPath: codingPath + [nextKey]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        newItemEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        newItemEncoder().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        newItemEncoder()
    }

    /// An encoder for a new item at the end of the array.
    private func newItemEncoder() -> JSONNodeEncoder {
        let key = nextKey
        let item = JSONNode()
        node.append(item)
        return JSONNodeEncoder(node: item, codingPath: codingPath + [key])
    }
}

/// The single-value container: sets the node's value.
struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws { node.set(try JSONScalar.double(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { node.set(try JSONScalar.float(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int8) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int16) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int32) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: Int64) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt8) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt16) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt32) throws { node.set(JSONScalar.integer(value)) }
    mutating func encode(_ value: UInt64) throws { node.set(JSONScalar.integer(value)) }

    mutating func encode(_ value: some Encodable) throws {
        if let json = value as? JSONValue {
            node.set(json)
        } else {
            try value.encode(to: JSONNodeEncoder(node: node, codingPath: codingPath))
        }
    }
}
