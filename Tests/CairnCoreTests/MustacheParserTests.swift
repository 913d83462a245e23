import CairnCore
import Testing

/// Sections nest at most `MergeTemplate.maximumNesting` deep, refused with a template error before
/// anything recurses, and reading a template takes time in proportion to its length. (The engine
/// before, swift-mustache, recursed once per section level, so that 3,000 levels killed the server,
/// and measured the rest of the template at every tag, so that 16,000 tags took seconds.)
@Suite struct MustacheParserTests {
    /// `{{#a}}` `depth` times, `x`, and as many `{{/a}}`.
    func nested(_ depth: Int, inverted: Bool = false) -> String {
        String(repeating: inverted ? "{{^a}}" : "{{#a}}", count: depth) + "x"
            + String(repeating: "{{/a}}", count: depth)
    }

    @Test func sectionsNestedThousandsDeepAreRefusedAtTheFirstLevelTooMany() {
        do throws(TemplateError) {
            _ = try MergeTemplate(nested(3_000), escaping: .html)
            Issue.record("a template nested 3,000 deep is refused")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == 601, "the 101st {{#a}}")
            #expect(error.reason == "sections are nested more than 100 deep")
        }
    }

    @Test func aHundredLevelsAreAcceptedAndOneMoreIsNot() throws {
        #expect(MergeTemplate.maximumNesting == 100)
        let template = try MergeTemplate(nested(100), escaping: .html)
        #expect(try template.render(MergeData(root: ["a": true])) == "x")
        #expect(try template.render(MergeData(root: ["a": false])) == "")
        let inverted = try MergeTemplate(nested(100, inverted: true), escaping: .html)
        #expect(try inverted.render(MergeData(root: [:])) == "x")
        #expect(throws: TemplateError.self) { _ = try MergeTemplate(nested(101), escaping: .html) }
        #expect(throws: TemplateError.self) { _ = try MergeTemplate(nested(101, inverted: true), escaping: .none) }
    }

    /// What the admin API answers `400 template_error` with, when an asset is saved.
    @Test func aTemplateNestedTooDeepIsRefusedWhenSaved() throws {
        do throws(AssetRejection) {
            _ = try AssetContentRules.validate(["body": .string(nested(3_000))], channel: .sms)
            Issue.record("a template nested 3,000 deep is not saved")
        } catch {
            #expect(error.code == "template_error")
            #expect(error.field == "body")
            #expect(error.line == 1)
            #expect(error.column == 601)
            #expect(
                error.message
                    == "The template in body does not compile at line 1, column 601: sections are nested more than "
                    + "100 deep."
            )
        }
        let saved = try AssetContentRules.validate(["body": .string(nested(100))], channel: .sms)
        #expect(saved == ["body": .string(nested(100))])
    }

    @Test func transformsNestedDeepAreReadWithoutRecursion() throws {
        let name = String(repeating: "a(", count: 50_000) + "x" + String(repeating: ")", count: 50_000)
        let template = try MergeTemplate("{{\(name)}}", escaping: .none)
        #expect(try template.render(MergeData(root: ["x": "y"])) == "", "no transform named a applies to a string")
        #expect(template.missingTags(in: MergeData(root: [:])) == ["x"])
    }

    /// The template of issue 22 that took 8 s to save (no time is asserted: see Benchmarks/templates.py).
    @Test func sixteenThousandTagsCompileAndRender() throws {
        let template = try MergeTemplate(String(repeating: "{{a}}", count: 16_000), escaping: .html)
        #expect(try template.render(MergeData(root: ["a": "x"])) == String(repeating: "x", count: 16_000))
        #expect(template.missingTags(in: MergeData(root: [:])) == ["a"])
    }

    @Test(arguments: [
        ("{{#a}}\r\nx{{/b}}", 2, 2, "{{/b}} cannot close {{#a}}, the section opened at line 1, column 1"),
        ("x\n  {{/a}}", 2, 3, "{{/a}} closes a section that was never opened"),
        ("a\n {{^b}} c", 2, 2, "the section {{^b}} is opened here and never closed"),
        ("{{a b}}", 1, 1, "a tag is not closed with }}"),
        ("{{#a(b}}{{/a(b}}", 1, 1, "a(b is neither a name nor transforms around one, such as uppercased(name)"),
        ("{{{a}}", 1, 1, "a {{{ tag is not closed with }}}"),
        ("x {{! note", 1, 3, "a comment {{! … is not closed with }}"),
        (
            "{{% CONTENT_TYPE: XML }}", 1, 1,
            "a {{% … }} pragma is not understood (only {{% CONTENT_TYPE: TEXT }} and HTML are)"
        ),
    ])
    func errorsNameTheTagAtFaultWithItsLineAndColumn(_ source: String, _ line: Int, _ column: Int, _ reason: String) {
        do throws(TemplateError) {
            _ = try MergeTemplate(source, escaping: .html)
            Issue.record("expected \(source) to be refused")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.reason == reason)
        }
    }
}
