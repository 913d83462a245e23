import CairnCore
import Testing

/// Templates render as they did with swift-mustache, the engine Cairn used before its own: the
/// Mustache spec's cases for interpolation, sections, inverted sections and comments whose data is
/// an object, as merge data always is (swift-mustache passed them all), and what swift-mustache
/// added to the spec or did its own way. A render that would not end is stopped.
@Suite struct MustacheRendererTests {
    @Test(arguments: mustacheSpecCases)
    func rendersAsTheMustacheSpecSays(_ name: String, _ template: String, _ data: String, _ expected: String) throws {
        guard case .object(let root) = try JSONParser.parse(Array(data.utf8)) else {
            Issue.record("\(name): the data is an object")
            return
        }
        #expect(try MergeTemplate(template, escaping: .html).render(MergeData(root: root)) == expected, "\(name)")
    }

    @Test func whatSwiftMustacheDidItsOwnWayIsKept() throws {
        let data = MergeData(root: ["a": "A", "yes": true])
        func render(_ source: String, _ escaping: MergeTemplate.Escaping = .html) throws -> String {
            try MergeTemplate(source, escaping: escaping).render(data)
        }
        #expect(try render("x{{") == "x", "a {{ that ends the template is dropped")
        #expect(try render("x {{\ny") == "x \ny", "a {{ followed by a newline is dropped")
        #expect(try render("  {{! c }} {{a}}\n") == "   A\n", "spaces before a comment not alone on its line stay")
        #expect(try render("{{#yes}}\nb {{/yes}}{{! c }}\nz") == "b z", "a section leaves the line as it found it")
        #expect(try render("{{}}", .none) == #"{"a":"A","yes":true}"#, "an empty name is the innermost value")
        #expect(try render("a{") == "a{", "a lone { at the end is text (swift-mustache alone refused it)")
    }

    @Test func transformsApplyAsSwiftMustacheAppliedThem() throws {
        let data = MergeData(root: ["name": "fred smith", "items": ["a", "b", "c"], "n": .number("3")])
        func render(_ source: String) throws -> String {
            try MergeTemplate(source, escaping: .none).render(data)
        }
        #expect(
            try render("{{uppercased(name)}} {{capitalized(name)}} {{reversed(name)}}")
                == "FRED SMITH Fred Smith htims derf"
        )
        #expect(try render("{{#items}}{{plusone(index())}}{{.}}{{^last()}},{{/last()}}{{/items}}") == "1a,2b,3c")
        #expect(try render("{{#items}}{{#first()}}[{{/first()}}{{.}}{{#last()}}]{{/last()}}{{/items}}") == "[abc]")
        #expect(try render("{{#empty(name)}}none{{/empty(name)}}{{^empty(name)}}some{{/empty(name)}}") == "some")
        #expect(try render("{{uppercased(n)}}|{{count(items)}}|{{index()}}") == "||", "a transform that does not apply")
    }

    /// `exists` is the one transform that no value does not stop; `lbrace()` and `rbrace()` write
    /// the braces that text cannot always hold (`{` before a tag makes `{{{`).
    @Test func existsTellsAValueFromNoneAndBracesAreWritten() throws {
        let data = MergeData(
            root: ["no": false, "zero": 0, "empty": "", "list": [], "pair": [1, 2], "null": .null, "name": "<b>"]
        )
        func render(_ source: String) throws -> String {
            try MergeTemplate(source, escaping: .html).render(data)
        }
        #expect(
            try render("{{exists(no)}} {{exists(zero)}} {{exists(empty)}} {{exists(list)}}") == "true true true true"
        )
        #expect(try render("{{exists(null)}} {{exists(missing)}} {{exists(no.field)}}") == "false false false")
        #expect(
            try render("{{#exists(no)}}[{{no}}]{{/exists(no)}}{{^exists(null)}}none{{/exists(null)}}") == "[false]none"
        )
        #expect(try render("{{#exists(pair)}}[{{pair}}]{{/exists(pair)}}") == "[[1,2]]", "once, not once per item")
        #expect(try render("{{exists(uppercased(zero))}}") == "false", "no transform named uppercased applies to 0")
        #expect(try render("{{lbrace()}}{{name}}{{rbrace()}} {{{lbrace()}}}{{&rbrace()}}") == "{&lt;b&gt;} {}")
        #expect(try render("{{#pair}}{{lbrace()}}{{.}}{{rbrace()}}{{/pair}}") == "{1}{2}")
    }

    @Test func aContentTypePragmaChangesEscapingForWhatFollowsItInItsSection() throws {
        let data = MergeData(root: ["b": "<b>", "yes": true])
        let source = "{{b}}{{#yes}}{{% CONTENT_TYPE: TEXT }}{{b}}{{/yes}}{{b}}"
        #expect(try MergeTemplate(source, escaping: .html).render(data) == "&lt;b&gt;<b>&lt;b&gt;")
    }

    /// Sections over lists multiply: two items at each of 40 levels would be 2⁴⁰ renders.
    @Test func aRenderThatWouldNotEndIsStoppedWithATemplateError() {
        let data = MergeData(root: ["l": [1, 2], "many": .array(Array(repeating: .number("1"), count: 1_000))])
        let multiplied = String(repeating: "{{#l}}", count: 40) + "x" + String(repeating: "{{/l}}", count: 40)
        let silent = String(repeating: "{{#l}}", count: 40) + String(repeating: "{{/l}}", count: 40)
        let long = "{{#many}}" + String(repeating: "y", count: 20_000) + "{{/many}}"
        for source in [multiplied, silent, long] {
            #expect(throws: TemplateRenderLimit.self) { _ = try MergeTemplate(source, escaping: .none).render(data) }
        }
        do throws(AssetRejection) {
            _ = try AssetRenderer.render(["body": .string(multiplied)], channel: .sms, data: data)
            Issue.record("a send of it fails with a template error")
        } catch {
            #expect(error.code == "template_error")
            #expect(error.field == "body")
            #expect(error.message.hasPrefix("The template in body cannot be rendered for this data: "))
        }
    }
}

/// The Mustache spec's cases (github.com/mustache/spec, specs/*.json) whose data is an object:
/// name, template, data as JSON, expected output.
private let mustacheSpecCases: [(String, String, String, String)] = [
    ("interpolation: No Interpolation", "Hello from {Mustache}!\n", "{}", "Hello from {Mustache}!\n"),
    ("interpolation: Basic Interpolation", "Hello, {{subject}}!\n", "{\"subject\":\"world\"}", "Hello, world!\n"),
    (
        "interpolation: No Re-interpolation",
        "{{template}}: {{planet}}",
        "{\"template\":\"{{planet}}\",\"planet\":\"Earth\"}",
        "{{planet}}: Earth"
    ),
    (
        "interpolation: HTML Escaping",
        "These characters should be HTML escaped: {{forbidden}}\n",
        "{\"forbidden\":\"& \\\" < >\"}",
        "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n"
    ),
    (
        "interpolation: Triple Mustache",
        "These characters should not be HTML escaped: {{{forbidden}}}\n",
        "{\"forbidden\":\"& \\\" < >\"}",
        "These characters should not be HTML escaped: & \" < >\n"
    ),
    (
        "interpolation: Ampersand",
        "These characters should not be HTML escaped: {{&forbidden}}\n",
        "{\"forbidden\":\"& \\\" < >\"}",
        "These characters should not be HTML escaped: & \" < >\n"
    ),
    (
        "interpolation: Basic Integer Interpolation",
        "\"{{mph}} miles an hour!\"",
        "{\"mph\":85}",
        "\"85 miles an hour!\""
    ),
    (
        "interpolation: Triple Mustache Integer Interpolation",
        "\"{{{mph}}} miles an hour!\"",
        "{\"mph\":85}",
        "\"85 miles an hour!\""
    ),
    (
        "interpolation: Ampersand Integer Interpolation",
        "\"{{&mph}} miles an hour!\"",
        "{\"mph\":85}",
        "\"85 miles an hour!\""
    ),
    (
        "interpolation: Basic Decimal Interpolation",
        "\"{{power}} jiggawatts!\"",
        "{\"power\":1.21}",
        "\"1.21 jiggawatts!\""
    ),
    (
        "interpolation: Triple Mustache Decimal Interpolation",
        "\"{{{power}}} jiggawatts!\"",
        "{\"power\":1.21}",
        "\"1.21 jiggawatts!\""
    ),
    (
        "interpolation: Ampersand Decimal Interpolation",
        "\"{{&power}} jiggawatts!\"",
        "{\"power\":1.21}",
        "\"1.21 jiggawatts!\""
    ),
    ("interpolation: Basic Null Interpolation", "I ({{cannot}}) be seen!", "{\"cannot\":null}", "I () be seen!"),
    (
        "interpolation: Triple Mustache Null Interpolation",
        "I ({{{cannot}}}) be seen!",
        "{\"cannot\":null}",
        "I () be seen!"
    ),
    (
        "interpolation: Ampersand Null Interpolation",
        "I ({{&cannot}}) be seen!",
        "{\"cannot\":null}",
        "I () be seen!"
    ),
    ("interpolation: Basic Context Miss Interpolation", "I ({{cannot}}) be seen!", "{}", "I () be seen!"),
    (
        "interpolation: Triple Mustache Context Miss Interpolation",
        "I ({{{cannot}}}) be seen!",
        "{}",
        "I () be seen!"
    ),
    ("interpolation: Ampersand Context Miss Interpolation", "I ({{&cannot}}) be seen!", "{}", "I () be seen!"),
    (
        "interpolation: Dotted Names - Basic Interpolation",
        "\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"",
        "{\"person\":{\"name\":\"Joe\"}}",
        "\"Joe\" == \"Joe\""
    ),
    (
        "interpolation: Dotted Names - Triple Mustache Interpolation",
        "\"{{{person.name}}}\" == \"{{#person}}{{{name}}}{{/person}}\"",
        "{\"person\":{\"name\":\"Joe\"}}",
        "\"Joe\" == \"Joe\""
    ),
    (
        "interpolation: Dotted Names - Ampersand Interpolation",
        "\"{{&person.name}}\" == \"{{#person}}{{&name}}{{/person}}\"",
        "{\"person\":{\"name\":\"Joe\"}}",
        "\"Joe\" == \"Joe\""
    ),
    (
        "interpolation: Dotted Names - Arbitrary Depth",
        "\"{{a.b.c.d.e.name}}\" == \"Phil\"",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Phil\"}}}}}}",
        "\"Phil\" == \"Phil\""
    ),
    ("interpolation: Dotted Names - Broken Chains", "\"{{a.b.c}}\" == \"\"", "{\"a\":{}}", "\"\" == \"\""),
    (
        "interpolation: Dotted Names - Broken Chain Resolution",
        "\"{{a.b.c.name}}\" == \"\"",
        "{\"a\":{\"b\":{}},\"c\":{\"name\":\"Jim\"}}",
        "\"\" == \"\""
    ),
    (
        "interpolation: Dotted Names - Initial Resolution",
        "\"{{#a}}{{b.c.d.e.name}}{{/a}}\" == \"Phil\"",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Phil\"}}}}},\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Wrong\"}}}}}",
        "\"Phil\" == \"Phil\""
    ),
    (
        "interpolation: Dotted Names - Context Precedence",
        "{{#a}}{{b.c}}{{/a}}",
        "{\"a\":{\"b\":{}},\"b\":{\"c\":\"ERROR\"}}",
        ""
    ),
    ("interpolation: Dotted Names are never single keys", "{{a.b}}", "{\"a.b\":\"c\"}", ""),
    ("interpolation: Dotted Names - No Masking", "{{a.b}}", "{\"a.b\":\"c\",\"a\":{\"b\":\"d\"}}", "d"),
    ("interpolation: Interpolation - Surrounding Whitespace", "| {{string}} |", "{\"string\":\"---\"}", "| --- |"),
    (
        "interpolation: Triple Mustache - Surrounding Whitespace",
        "| {{{string}}} |",
        "{\"string\":\"---\"}",
        "| --- |"
    ),
    ("interpolation: Ampersand - Surrounding Whitespace", "| {{&string}} |", "{\"string\":\"---\"}", "| --- |"),
    ("interpolation: Interpolation - Standalone", "  {{string}}\n", "{\"string\":\"---\"}", "  ---\n"),
    ("interpolation: Triple Mustache - Standalone", "  {{{string}}}\n", "{\"string\":\"---\"}", "  ---\n"),
    ("interpolation: Ampersand - Standalone", "  {{&string}}\n", "{\"string\":\"---\"}", "  ---\n"),
    ("interpolation: Interpolation With Padding", "|{{ string }}|", "{\"string\":\"---\"}", "|---|"),
    ("interpolation: Triple Mustache With Padding", "|{{{ string }}}|", "{\"string\":\"---\"}", "|---|"),
    ("interpolation: Ampersand With Padding", "|{{& string }}|", "{\"string\":\"---\"}", "|---|"),
    (
        "sections: Truthy",
        "\"{{#boolean}}This should be rendered.{{/boolean}}\"",
        "{\"boolean\":true}",
        "\"This should be rendered.\""
    ),
    ("sections: Falsey", "\"{{#boolean}}This should not be rendered.{{/boolean}}\"", "{\"boolean\":false}", "\"\""),
    ("sections: Null is falsey", "\"{{#null}}This should not be rendered.{{/null}}\"", "{\"null\":null}", "\"\""),
    (
        "sections: Context",
        "\"{{#context}}Hi {{name}}.{{/context}}\"",
        "{\"context\":{\"name\":\"Joe\"}}",
        "\"Hi Joe.\""
    ),
    (
        "sections: Parent contexts",
        "\"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}\"",
        "{\"a\":\"foo\",\"b\":\"wrong\",\"sec\":{\"b\":\"bar\"},\"c\":{\"d\":\"baz\"}}",
        "\"foo, bar, baz\""
    ),
    ("sections: Variable test", "\"{{#foo}}{{.}} is {{foo}}{{/foo}}\"", "{\"foo\":\"bar\"}", "\"bar is bar\""),
    (
        "sections: List Contexts",
        "{{#tops}}{{#middles}}{{tname.lower}}{{mname}}.{{#bottoms}}{{tname.upper}}{{mname}}{{bname}}.{{/bottoms}}{{/middles}}{{/tops}}",
        "{\"tops\":[{\"tname\":{\"upper\":\"A\",\"lower\":\"a\"},\"middles\":[{\"mname\":\"1\",\"bottoms\":[{\"bname\":\"x\"},{\"bname\":\"y\"}]}]}]}",
        "a1.A1x.A1y."
    ),
    (
        "sections: Deeply Nested Contexts",
        "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n{{#d}}\n{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{#five}}\n{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n{{one}}{{two}}{{three}}{{four}}{{.}}6{{.}}{{four}}{{three}}{{two}}{{one}}\n{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n{{/five}}\n{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{/d}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/a}}\n",
        "{\"a\":{\"one\":1},\"b\":{\"two\":2},\"c\":{\"three\":3,\"d\":{\"four\":4,\"five\":5}}}",
        "1\n121\n12321\n1234321\n123454321\n12345654321\n123454321\n1234321\n12321\n121\n1\n"
    ),
    (
        "sections: List",
        "\"{{#list}}{{item}}{{/list}}\"",
        "{\"list\":[{\"item\":1},{\"item\":2},{\"item\":3}]}",
        "\"123\""
    ),
    ("sections: Empty List", "\"{{#list}}Yay lists!{{/list}}\"", "{\"list\":[]}", "\"\""),
    (
        "sections: Doubled",
        "{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n{{/bool}}\n",
        "{\"bool\":true,\"two\":\"second\"}",
        "* first\n* second\n* third\n"
    ),
    (
        "sections: Nested (Truthy)",
        "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
        "{\"bool\":true}",
        "| A B C D E |"
    ),
    (
        "sections: Nested (Falsey)",
        "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
        "{\"bool\":false}",
        "| A  E |"
    ),
    ("sections: Context Misses", "[{{#missing}}Found key 'missing'!{{/missing}}]", "{}", "[]"),
    (
        "sections: Implicit Iterator - String",
        "\"{{#list}}({{.}}){{/list}}\"",
        "{\"list\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
        "\"(a)(b)(c)(d)(e)\""
    ),
    (
        "sections: Implicit Iterator - Integer",
        "\"{{#list}}({{.}}){{/list}}\"",
        "{\"list\":[1,2,3,4,5]}",
        "\"(1)(2)(3)(4)(5)\""
    ),
    (
        "sections: Implicit Iterator - Decimal",
        "\"{{#list}}({{.}}){{/list}}\"",
        "{\"list\":[1.1,2.2,3.3,4.4,5.5]}",
        "\"(1.1)(2.2)(3.3)(4.4)(5.5)\""
    ),
    (
        "sections: Implicit Iterator - Array",
        "\"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}\"",
        "{\"list\":[[1,2,3],[\"a\",\"b\",\"c\"]]}",
        "\"(123)(abc)\""
    ),
    (
        "sections: Implicit Iterator - HTML Escaping",
        "\"{{#list}}({{.}}){{/list}}\"",
        "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
        "\"(&amp;)(&quot;)(&lt;)(&gt;)\""
    ),
    (
        "sections: Implicit Iterator - Triple mustache",
        "\"{{#list}}({{{.}}}){{/list}}\"",
        "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
        "\"(&)(\")(<)(>)\""
    ),
    (
        "sections: Implicit Iterator - Ampersand",
        "\"{{#list}}({{&.}}){{/list}}\"",
        "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
        "\"(&)(\")(<)(>)\""
    ),
    (
        "sections: Dotted Names - Truthy",
        "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"Here\"",
        "{\"a\":{\"b\":{\"c\":true}}}",
        "\"Here\" == \"Here\""
    ),
    (
        "sections: Dotted Names - Falsey",
        "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"",
        "{\"a\":{\"b\":{\"c\":false}}}",
        "\"\" == \"\""
    ),
    (
        "sections: Dotted Names - Broken Chains",
        "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"",
        "{\"a\":{}}",
        "\"\" == \"\""
    ),
    (
        "sections: Surrounding Whitespace",
        " | {{#boolean}}\t|\t{{/boolean}} | \n",
        "{\"boolean\":true}",
        " | \t|\t | \n"
    ),
    (
        "sections: Internal Whitespace",
        " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
        "{\"boolean\":true}",
        " |  \n  | \n"
    ),
    (
        "sections: Indented Inline Sections",
        " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n",
        "{\"boolean\":true}",
        " YES\n GOOD\n"
    ),
    (
        "sections: Standalone Lines",
        "| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n",
        "{\"boolean\":true}",
        "| This Is\n|\n| A Line\n"
    ),
    (
        "sections: Indented Standalone Lines",
        "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n",
        "{\"boolean\":true}",
        "| This Is\n|\n| A Line\n"
    ),
    ("sections: Standalone Line Endings", "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", "{\"boolean\":true}", "|\r\n|"),
    (
        "sections: Standalone Without Previous Line",
        "  {{#boolean}}\n#{{/boolean}}\n/",
        "{\"boolean\":true}",
        "#\n/"
    ),
    ("sections: Standalone Without Newline", "#{{#boolean}}\n/\n  {{/boolean}}", "{\"boolean\":true}", "#\n/\n"),
    ("sections: Padding", "|{{# boolean }}={{/ boolean }}|", "{\"boolean\":true}", "|=|"),
    (
        "inverted: Falsey",
        "\"{{^boolean}}This should be rendered.{{/boolean}}\"",
        "{\"boolean\":false}",
        "\"This should be rendered.\""
    ),
    ("inverted: Truthy", "\"{{^boolean}}This should not be rendered.{{/boolean}}\"", "{\"boolean\":true}", "\"\""),
    (
        "inverted: Null is falsey",
        "\"{{^null}}This should be rendered.{{/null}}\"",
        "{\"null\":null}",
        "\"This should be rendered.\""
    ),
    ("inverted: Context", "\"{{^context}}Hi {{name}}.{{/context}}\"", "{\"context\":{\"name\":\"Joe\"}}", "\"\""),
    ("inverted: List", "\"{{^list}}{{n}}{{/list}}\"", "{\"list\":[{\"n\":1},{\"n\":2},{\"n\":3}]}", "\"\""),
    ("inverted: Empty List", "\"{{^list}}Yay lists!{{/list}}\"", "{\"list\":[]}", "\"Yay lists!\""),
    (
        "inverted: Doubled",
        "{{^bool}}\n* first\n{{/bool}}\n* {{two}}\n{{^bool}}\n* third\n{{/bool}}\n",
        "{\"bool\":false,\"two\":\"second\"}",
        "* first\n* second\n* third\n"
    ),
    (
        "inverted: Nested (Falsey)",
        "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |",
        "{\"bool\":false}",
        "| A B C D E |"
    ),
    (
        "inverted: Nested (Truthy)",
        "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |",
        "{\"bool\":true}",
        "| A  E |"
    ),
    (
        "inverted: Context Misses",
        "[{{^missing}}Cannot find key 'missing'!{{/missing}}]",
        "{}",
        "[Cannot find key 'missing'!]"
    ),
    (
        "inverted: Dotted Names - Truthy",
        "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"\"",
        "{\"a\":{\"b\":{\"c\":true}}}",
        "\"\" == \"\""
    ),
    (
        "inverted: Dotted Names - Falsey",
        "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"",
        "{\"a\":{\"b\":{\"c\":false}}}",
        "\"Not Here\" == \"Not Here\""
    ),
    (
        "inverted: Dotted Names - Broken Chains",
        "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"",
        "{\"a\":{}}",
        "\"Not Here\" == \"Not Here\""
    ),
    (
        "inverted: Surrounding Whitespace",
        " | {{^boolean}}\t|\t{{/boolean}} | \n",
        "{\"boolean\":false}",
        " | \t|\t | \n"
    ),
    (
        "inverted: Internal Whitespace",
        " | {{^boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
        "{\"boolean\":false}",
        " |  \n  | \n"
    ),
    (
        "inverted: Indented Inline Sections",
        " {{^boolean}}NO{{/boolean}}\n {{^boolean}}WAY{{/boolean}}\n",
        "{\"boolean\":false}",
        " NO\n WAY\n"
    ),
    (
        "inverted: Standalone Lines",
        "| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n",
        "{\"boolean\":false}",
        "| This Is\n|\n| A Line\n"
    ),
    (
        "inverted: Standalone Indented Lines",
        "| This Is\n  {{^boolean}}\n|\n  {{/boolean}}\n| A Line\n",
        "{\"boolean\":false}",
        "| This Is\n|\n| A Line\n"
    ),
    (
        "inverted: Standalone Line Endings",
        "|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|",
        "{\"boolean\":false}",
        "|\r\n|"
    ),
    (
        "inverted: Standalone Without Previous Line",
        "  {{^boolean}}\n^{{/boolean}}\n/",
        "{\"boolean\":false}",
        "^\n/"
    ),
    ("inverted: Standalone Without Newline", "^{{^boolean}}\n/\n  {{/boolean}}", "{\"boolean\":false}", "^\n/\n"),
    ("inverted: Padding", "|{{^ boolean }}={{/ boolean }}|", "{\"boolean\":false}", "|=|"),
    ("comments: Inline", "12345{{! Comment Block! }}67890", "{}", "1234567890"),
    ("comments: Multiline", "12345{{!\n  This is a\n  multi-line comment...\n}}67890\n", "{}", "1234567890\n"),
    ("comments: Standalone", "Begin.\n{{! Comment Block! }}\nEnd.\n", "{}", "Begin.\nEnd.\n"),
    ("comments: Indented Standalone", "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", "{}", "Begin.\nEnd.\n"),
    ("comments: Standalone Line Endings", "|\r\n{{! Standalone Comment }}\r\n|", "{}", "|\r\n|"),
    ("comments: Standalone Without Previous Line", "  {{! I'm Still Standalone }}\n!", "{}", "!"),
    ("comments: Standalone Without Newline", "!\n  {{! I'm Still Standalone }}", "{}", "!\n"),
    (
        "comments: Multiline Standalone",
        "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n",
        "{}",
        "Begin.\nEnd.\n"
    ),
    (
        "comments: Indented Multiline Standalone",
        "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n",
        "{}",
        "Begin.\nEnd.\n"
    ),
    ("comments: Indented Inline", "  12 {{! 34 }}\n", "{}", "  12 \n"),
    ("comments: Surrounding Whitespace", "12345 {{! Comment Block! }} 67890", "{}", "12345  67890"),
    (
        "comments: Variable Name Collision",
        "comments never show: >{{! comment }}<",
        "{\"! comment\":1,\"! comment \":2,\"!comment\":3,\"comment\":4}",
        "comments never show: ><"
    ),
]
