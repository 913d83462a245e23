extension JSONValue: Encodable {
    /// Under `JSONValueEncoder` the value is inserted as it is. Other encoders cannot write a
    /// number's text, so they get its value: an integer when it is one, else a finite `Double`
    /// (a number beyond `Double`'s range cannot be written and throws).
    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? JSONNodeEncoder {
            encoder.node.set(self)
            return
        }
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        case .number(let text):
            if let whole = Int64(text) {
                try container.encode(whole)
            } else if let whole = UInt64(text) {
                try container.encode(whole)
            } else if let double = Double(text), double.isFinite {
                try container.encode(double)
            } else {
                throw EncodingError.invalidValue(
                    self,
                    EncodingError.Context(
                        codingPath: encoder.codingPath,
                        debugDescription: "The number \(text) is beyond what this encoder can write."
                    )
                )
            }
        }
    }
}
