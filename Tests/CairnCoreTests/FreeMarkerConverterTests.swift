import CairnCore
import Testing

/// FreeMarker tags are stored as Mustache that renders what FreeMarker renders for them, and what
/// cannot be converted is refused at the author's line and column.
@Suite struct FreeMarkerConverterTests {
    /// FreeMarker `source` rendered as Cairn renders it: converted, then compiled as Mustache.
    func render(
        _ source: String,
        _ root: [String: JSONValue] = [:],
        _ escaping: MergeTemplate.Escaping = .none
    ) throws -> String {
        try MergeTemplate(FreeMarkerConverter.convert(source), escaping: escaping).render(MergeData(root: root))
    }

    /// Why saving `source` as an SMS asset's FreeMarker body is refused; nil when it is saved.
    func refusal(_ source: String) -> AssetRejection? {
        do throws(AssetRejection) {
            _ = try AssetContentRules.validate(["body": .string(source)], channel: .sms, freeMarker: true)
            return nil
        } catch {
            return error
        }
    }

    /// What `${name!}` converts to.
    func guarded(_ name: String) -> String {
        "{{#exists(\(name))}}{{\(name)}}{{/exists(\(name))}}"
    }

    /// What `${name!"text"}` converts to, when text holds no `${…}`.
    func defaulted(_ name: String, _ text: String) -> String {
        guarded(name) + "{{^exists(\(name))}}\(text){{/exists(\(name))}}"
    }

    @Test func plainNamesAndDefaultsBecomeMustache() throws {
        #expect(try FreeMarkerConverter.convert("Hi ${customer.firstName}!") == "Hi {{customer.firstName}}!")
        #expect(
            try FreeMarkerConverter.convert(#"${(customer.x)!""} ${ x ! } ${y!r''}"#)
                == guarded("customer.x") + " " + guarded("x") + " " + guarded("y")
        )
        #expect(try FreeMarkerConverter.convert(#"${name!"friend"}"#) == defaulted("name", "friend"))
        let noFirstName: [String: JSONValue] = ["customer": ["lastName": "X"]]
        #expect(try render(#"Dear ${customer.firstName!"customer"}"#, noFirstName) == "Dear customer")
    }

    /// FreeMarker's `x!"d"` is the default only where x is missing or null: any other value is x,
    /// printed once as `${x}` prints it (where FreeMarker itself would refuse to print a list or a
    /// hash, and would group a number's digits by locale, "1,234").
    @Test func aDefaultStandsInForAMissingOrNullValueOnly() throws {
        // Each value of x (nil: missing), and what ${x} prints for it (nil: no value).
        let values: [(value: JSONValue?, printed: String?)] = [
            (nil, nil),
            (.some(.null), nil),
            (.some(.string("")), ""),
            (.some(.string("s")), "s"),
            (.some(.number("0")), "0"),
            (.some(.number("1.5")), "1.5"),
            (.some(.bool(true)), "true"),
            (.some(.bool(false)), "false"),
            (.some(.array([.string("a"), .string("b")])), #"["a","b"]"#),
            (.some(.object(["k": .string("v")])), #"{"k":"v"}"#),
        ]
        for (value, printed) in values {
            var root: [String: JSONValue] = [:]
            if let value { root["x"] = value }
            let what = value.map { "\($0)" } ?? "a missing x"
            #expect(try render(#"${x!"d"}"#, root) == (printed ?? "d"), "${x!\"d\"} for \(what)")
            #expect(try render(#"${x!'d'}"#, root) == (printed ?? "d"), "${x!'d'} for \(what)")
            #expect(try render("${x!}", root) == (printed ?? ""), "${x!} for \(what)")
            #expect(try render(#"${(x)!""}"#, root) == (printed ?? ""), "${(x)!\"\"} for \(what)")
            #expect(try render("${x}", root) == (printed ?? ""), "${x} for \(what)")
        }
    }

    @Test func bracesAroundDefaultsAndTagsAreText() throws {
        let source = #"${a!"{"}${b!"}"}"#
        #expect(try render(source) == "{}")
        #expect(try render(source, ["a": "x", "b": "y"]) == "xy")
        #expect(try render("{${x}} {{${x}}} {{{${x}}}}", ["x": "v"]) == "{v} {{v}} {{{v}}}")
        #expect(try FreeMarkerConverter.convert("{${x}}") == "{{lbrace()}}{{x}}}")
    }

    @Test func doubleBracesInFreeMarkerTextRenderAsWritten() throws {
        let source = "a {{b}} c }} {{{d}}} {{#e}}x{{/e}} {{> f}} {{=<% %>=}} {{! g }}\n{{\n{"
        #expect(try render(source) == source)
        #expect(try render(source, [:], .html) == source)
        #expect(refusal(source) == nil)
    }

    @Test func aDefaultsInterpolationsAreConverted() throws {
        let source = #"${a!"${b}"}"#
        #expect(try render(source, ["b": "B"]) == "B")
        #expect(try render(source, ["a": "A", "b": "B"]) == "A")
        #expect(try render(source) == "")
        let nested = #"Dear ${name!"${title!'friend'}, ${surname!\"of ours\"}"}!"#
        #expect(try render(nested) == "Dear friend, of ours!")
        #expect(try render(nested, ["title": "Dr", "surname": "Who"]) == "Dear Dr, Who!")
        #expect(try render(nested, ["name": "Ann", "title": "Dr"]) == "Dear Ann!")
        // A raw string is not read for escapes or ${…}; three characters or fewer are not read for ${…}.
        #expect(try render(#"${x!r"${y} \n"}|${x!"${}"}"#, ["y": "Y"]) == #"${y} \n|${}"#)
    }

    @Test func aDefaultsEscapesAreFreeMarkers() throws {
        #expect(try render(#"${x!"\l\g\a \x41\x20AC \{ \= \\ \' \" \t|\n"}"#) == "<>& A\u{20AC} { = \\ ' \" \t|\n")
        #expect(try FreeMarkerConverter.convert("${x!'a\\'b'}") == defaulted("x", "a'b"))
        #expect(try FreeMarkerConverter.convert("Order [#1234] for ${name}") == "Order [#1234] for {{name}}")
    }

    /// A closing tag alone on its line takes the line's newline with it, in Mustache: one that ends
    /// a default ending a line is kept off the line's start.
    @Test func aDefaultThatEndsALineKeepsTheNewlineAfterIt() throws {
        #expect(try FreeMarkerConverter.convert(#"${x!"a\n"}"#) == defaulted("x", "a\n{{!}}"))
        #expect(try render("${x!\"first\\n\"}\nsecond") == "first\n\nsecond")
        #expect(try render("${x!\"first\\n\"}\nsecond", ["x": "X"]) == "X\nsecond")
        #expect(try render("${x!\"a\n  \"}\nb") == "a\n  \nb")
        #expect(try render("A\n  ${x!\"d\"}\nB") == "A\n  d\nB")
    }

    @Test func aNameWithADefaultIsNotAMissingTag() throws {
        let template = try MergeTemplate(
            FreeMarkerConverter.convert(#"${x!"d"} ${y} ${z!"${w}"} ${v!} ${(u)!""}"#),
            escaping: .none
        )
        #expect(template.missingTags(in: MergeData(root: [:])) == ["y", "w"])
        #expect(template.missingTags(in: MergeData(root: ["x": false, "y": 0, "z": "", "v": .null])) == [])
    }

    @Test func defaultsNestTenDeep() throws {
        /// `${a!"…"}` around `${z}`, `depth` times, each string escaped for the one around it.
        func nested(_ depth: Int) -> String {
            var source = "${z}"
            for _ in 0..<depth {
                var escaped = ""
                for character in source {
                    if character == "\\" || character == "\"" { escaped.append("\\") }
                    escaped.append(character)
                }
                source = "${a!\"" + escaped + "\"}"
            }
            return source
        }
        #expect(try render(nested(10), ["z": "Z"]) == "Z")
        #expect(try render(nested(10), ["a": "A", "z": "Z"]) == "A")
        do throws(TemplateError) {
            _ = try FreeMarkerConverter.convert(nested(11))
            Issue.record("defaults nested 11 deep are refused")
        } catch {
            #expect(error.line == 1)
            #expect(error.reason == "defaults are nested more than 10 deep")
        }
    }

    /// The three places of issue 22 where an error pointed elsewhere, or nowhere.
    @Test func errorsAreAtTheAuthorsLineAndColumn() {
        let unclosed = refusal("Braces: {{ and }} are text\n\nBye ${customer.firstName")
        #expect(unclosed?.code == "template_error")
        #expect(unclosed?.line == 3)
        #expect(unclosed?.column == 5)
        #expect(unclosed?.message.contains("never closed") == true)

        let directive = refusal(
            "Hi\n${greeting!\"Hello {{friend}}, and welcome back to the shop\"} <#if vip>VIP</#if>"
        )
        #expect(directive?.line == 2)
        #expect(directive?.column == 62)
        #expect(directive?.message.contains("directives") == true)

        let inner = refusal("Hello\n  ${name!\"Dear ${title + surname}\"}")
        #expect(inner?.line == 2)
        #expect(inner?.column == 16, "at the ${ inside the default")
        #expect(inner?.message.contains("${title + surname} is not a plain name") == true)
    }

    @Test(arguments: [
        ("${customer.pr\u{E9}nom}", 1, 1),
        ("Hi\n  <#if x>y</#if>", 2, 3),
        ("a </@m>", 1, 3),
        ("${x?upper_case}", 1, 1),
        ("ab ${a + b}", 1, 4),
        ("${x", 1, 1),
        (#"${x!y}"#, 1, 1),
        (#"${x!"a" + "b"}"#, 1, 1),
        (#"a ${x!"\q"}"#, 1, 8),
        (#"${x!"\xZ"}"#, 1, 6),
        ("x\n #{n}", 2, 2),
        (#"${x!"a #{n}"}"#, 1, 8),
        (#"${x!"${yy"}"#, 1, 6),
    ])
    func whatCannotBeConvertedIsRefusedWithItsPosition(_ source: String, _ line: Int, _ column: Int) {
        do throws(TemplateError) {
            _ = try FreeMarkerConverter.convert(source)
            Issue.record("expected \(source) to be refused")
        } catch {
            #expect(error.line == line, "\(source)")
            #expect(error.column == column, "\(source)")
        }
    }
}
