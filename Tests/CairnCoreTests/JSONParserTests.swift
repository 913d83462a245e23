import Testing

@testable import CairnCore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(
            value
                == .object([
                    "a": .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]),
                    "b": .object(["c": .string("d")]),
                    "e": .string(""),
                ])
        )
    }

    @Test func keepsNumbersExactly() throws {
        let text = #"{"big":12345678901234567890123,"small":0.1000000000000000055511151231257827}"#
        #expect(try JSONParser.parse(text).encodedString() == text)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\té😀"))
    }

    @Test func replacesLoneSurrogates() throws {
        #expect(try JSONParser.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\ude00""#) == .string("\u{FFFD}"))
    }

    @Test func keepsMultibyteUTF8() throws {
        #expect(try JSONParser.parse(#"{"price":"£11.99"}"#)["price"] == .string("£11.99"))
    }

    @Test(arguments: [
        "", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12G4\"", "{} {}", "[1 2]", "\"tab\there\"", "NaN", "'a'",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func reportsWhereSyntaxFails() {
        #expect(throws: JSONParseError.invalidSyntax(offset: 7, reason: "expected ',' or '}' in an object")) {
            try JSONParser.parse(#"{"a":1 "b":2}"#, maxDepth: 64)
        }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth64 = String(repeating: "[", count: 63) + "{}" + String(repeating: "]", count: 63)
        _ = try JSONParser.parse(depth64, maxDepth: 64)
    }

    @Test func rejectsNestingPastTheLimit() {
        let depth65 = String(repeating: "[", count: 64) + "{}" + String(repeating: "]", count: 64)
        #expect(throws: JSONParseError.tooDeep(limit: 64)) { try JSONParser.parse(depth65, maxDepth: 64) }
    }

    @Test func deepNestingFarPastTheLimitFailsWithoutCrashing() {
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError.tooDeep(limit: 64)) { try JSONParser.parse(hostile, maxDepth: 64) }
    }

    @Test func duplicateKeysKeepTheLast() throws {
        #expect(try JSONParser.parse(#"{"a":1,"a":2}"#)["a"] == .number("2"))
    }
}

@Suite struct JSONWriterTests {
    @Test func writesCompactSortedJSON() {
        let value: JSONValue = ["b": [1, true, nil], "a": "x"]
        #expect(value.encodedString() == #"{"a":"x","b":[1,true,null]}"#)
    }

    @Test func escapesWhatJSONRequires() throws {
        let value = JSONValue.string("q\"b\\n\nr\rt\tc\u{01}é")
        #expect(value.encodedString() == #""q\"b\\n\nr\rt\tc\u0001é""#)
        #expect(try JSONParser.parse(value.encodedString()) == value)
    }

    @Test func fillingMergesObjectsDeeplyAndKeepsOwnValues() {
        let own: JSONValue = ["ip": "1.1.1.1", "page": ["path": "/a"]]
        let defaults: JSONValue = ["ip": "9.9.9.9", "locale": "en", "page": ["path": "/z", "title": "T"]]
        #expect(
            own.filling(defaults: defaults)
                == ["ip": "1.1.1.1", "locale": "en", "page": ["path": "/a", "title": "T"]]
        )
    }
}
