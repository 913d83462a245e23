import CairnCore
import Testing

/// `JSONValueEncoder` through its public surface: values in, `JSONValue` and its bytes out.
@Suite struct JSONValueEncoderTests {
    private struct Point: Encodable {
        let x: Int
        let y: Double
    }

    private struct Shape: Encodable {
        let name: String
        let closed: Bool
        let points: [Point]
        let origin: Point
        let tags: [String: Int]
    }

    private struct Optionals: Encodable {
        let present: String?
        let absent: String?
        let explicit: String?

        private enum CodingKeys: String, CodingKey { case present, absent, explicit }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(present, forKey: .present)
            try container.encodeIfPresent(absent, forKey: .absent)
            try container.encode(explicit, forKey: .explicit)
        }
    }

    /// Writes another value's fields, then its own, into the same object.
    private struct Extended: Encodable {
        let base: Point
        let label: String

        private enum CodingKeys: String, CodingKey { case label }

        func encode(to encoder: any Encoder) throws {
            try base.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(label, forKey: .label)
        }
    }

    private struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    private struct Stored: Encodable {
        let id: Int
        let content: JSONValue
        let extra: JSONValue?
    }

    private struct Nesting: Encodable {
        private enum Outer: String, CodingKey { case inner, list, parent }
        private enum Inner: String, CodingKey { case depth }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Outer.self)
            var inner = container.nestedContainer(keyedBy: Inner.self, forKey: .inner)
            try inner.encode(2, forKey: .depth)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var item = list.nestedContainer(keyedBy: Inner.self)
            try item.encode(3, forKey: .depth)
            try Point(x: 7, y: 0.25).encode(to: container.superEncoder(forKey: .parent))
        }
    }

    private let encoder = JSONValueEncoder()

    @Test func aStructWithNestedValuesAndArraysBecomesAnObject() throws {
        let shape = Shape(
            name: "tri",
            closed: true,
            points: [Point(x: 1, y: 2), Point(x: -3, y: 0.5)],
            origin: Point(x: 0, y: 100),
            tags: ["a": 1]
        )
        let value = try encoder.encode(shape)
        #expect(
            value
                == [
                    "name": "tri", "closed": true,
                    "points": [["x": 1, "y": 2], ["x": -3, "y": .number("0.5")]],
                    "origin": ["x": 0, "y": 100],
                    "tags": ["a": 1],
                ]
        )
        #expect(
            value.encodedString()
                == #"{"closed":true,"name":"tri","origin":{"x":0,"y":100},"points":[{"x":1,"y":2},{"x":-3,"y":0.5}],"tags":{"a":1}}"#
        )
    }

    @Test func optionalsAreOmittedByEncodeIfPresentAndWrittenAsNullByEncode() throws {
        let value = try encoder.encode(Optionals(present: "here", absent: nil, explicit: nil))
        #expect(value.encodedString() == #"{"explicit":null,"present":"here"}"#)
    }

    @Test func topLevelScalarsArraysAndNil() throws {
        #expect(try encoder.encode("text") == "text")
        #expect(try encoder.encode(false) == false)
        #expect(try encoder.encode(UInt64.max) == .number("18446744073709551615"))
        #expect(try encoder.encode(Int8.min) == .number("-128"))
        #expect(try encoder.encode([1.5, 3, 1e20] as [Double]) == [.number("1.5"), 3, .number("1e+20")])
        #expect(try encoder.encode(Float(0.1)) == .number("0.1"))
        #expect(try encoder.encode(nil as Int?) == .null)
        #expect(try encoder.encode([nil, 2] as [Int?]) == [nil, 2])
    }

    @Test func aSecondKeyedContainerAddsToTheSameObject() throws {
        let value = try encoder.encode(Extended(base: Point(x: 4, y: 5), label: "p"))
        #expect(value == ["x": 4, "y": 5, "label": "p"])
    }

    @Test func nestedContainersAndSuperEncoderWriteWhereTheyWereMade() throws {
        let value = try encoder.encode(Nesting())
        #expect(
            value == ["inner": ["depth": 2], "list": [1, ["depth": 3]], "parent": ["x": 7, "y": .number("0.25")]]
        )
    }

    @Test func aValueThatWritesNothingIsAnEmptyObject() throws {
        #expect(try encoder.encode(Nothing()) == .object([:]))
        #expect(try encoder.encode(["empty": Nothing()]).encodedString() == #"{"empty":{}}"#)
    }

    @Test func storedJSONKeepsItsNumbersExactly() throws {
        let content: JSONValue = [
            "price": .number("1.50"), "huge": .number("1e400"), "zero": .number("-0"),
            "list": [.number("1e3"), .number("12345678901234567890123")],
        ]
        let stored = Stored(id: 9, content: content, extra: .number("2.000"))
        let value = try encoder.encode(stored)
        #expect(value == ["id": 9, "content": content, "extra": .number("2.000")])
        #expect(
            value.encodedString()
                == #"{"content":{"huge":1e400,"list":[1e3,12345678901234567890123],"price":1.50,"zero":-0},"extra":2.000,"id":9}"#
        )
        #expect(try encoder.encode(content) == content)
        #expect(try encoder.encode([content]) == [content])
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try encoder.encode(Point(x: 1, y: .infinity)) }
        #expect(throws: EncodingError.self) { try encoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try encoder.encode(-Float.infinity) }
    }
}
