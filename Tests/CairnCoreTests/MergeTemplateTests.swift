import CairnCore
import Testing

@Suite struct MergeTemplateTests {
    let customer = CustomerProfile(
        customerId: "c-1",
        tenant: Tenant(clientId: "c", accountId: "a", brandId: "B"),
        userId: "ABC/123",
        traits: [
            "firstName": "Fred", "address": ["postalCode": "CH1 ABC"], "vip": true, "points": .number("1.50"),
            "nickname": "<b>Freddie</b>",
        ],
        firstSeen: Timestamp(millisecondsSinceEpoch: 0),
        lastSeen: Timestamp(millisecondsSinceEpoch: 0)
    )

    func data(_ event: JSONValue = ["bookingId": "1234", "properties": ["nights": .number("3")]]) -> MergeData {
        MergeData(event: event, customer: customer)
    }

    func render(_ source: String, _ escaping: MergeTemplate.Escaping = .none, data: MergeData? = nil) throws -> String {
        try MergeTemplate(source, escaping: escaping).render(data ?? self.data())
    }

    @Test func rootFieldsPropertiesAndNestedCustomerTraitsAreMergeTags() throws {
        #expect(
            try render("{{bookingId}} {{properties.nights}} {{customer.firstName}} {{customer.address.postalCode}}")
                == "1234 3 Fred CH1 ABC"
        )
        #expect(try render("{{customer.customerId}} {{customer.userId}}") == "c-1 ABC/123")
    }

    @Test func numbersAndBooleansPrintAsJSONWritesThem() throws {
        #expect(try render("{{customer.points}} {{customer.vip}}") == "1.50 true")
    }

    @Test func htmlFieldsEscapeWhatTheyInsertAndTextFieldsDoNot() throws {
        #expect(try render("<p>{{customer.nickname}}</p>", .html) == "<p>&lt;b&gt;Freddie&lt;/b&gt;</p>")
        #expect(try render("{{customer.nickname}}", .none) == "<b>Freddie</b>")
        #expect(try render("{{{customer.nickname}}}", .html) == "<b>Freddie</b>")
    }

    @Test func sectionsAreConditionalsAndInvertedSectionsDefaults() throws {
        #expect(try render("{{#customer.vip}}VIP {{/customer.vip}}Hi") == "VIP Hi")
        #expect(try render("Hi {{customer.lastName}}{{^customer.lastName}}there{{/customer.lastName}}") == "Hi there")
        #expect(try render("{{#customer.firstName}}Dear {{customer.firstName}}{{/customer.firstName}}") == "Dear Fred")
    }

    @Test func missingTagsAreThoseThatFoundNoValue() throws {
        let template = try MergeTemplate(
            "{{customer.firstNme}} {{bookingId}} {{#customer.address}}{{postalCode}} {{town}}{{/customer.address}}"
                + " {{^customer.lastName}}x{{/customer.lastName}} {{#nothing}}{{hidden}}{{/nothing}}",
            escaping: .none
        )
        // Sections whose names find nothing are listed too: they hide content as silently.
        #expect(template.missingTags(in: data()) == ["customer.firstNme", "town", "customer.lastName", "nothing"])
    }

    /// `{{#first()}}` names nothing to look for, and `{{#exists(x)}}` says that x may have no value.
    @Test func positionAndExistsSectionsAreNotMissingTags() throws {
        let template = try MergeTemplate(
            "{{#items}}{{^first()}}, {{/first()}}{{name}}{{/items}}{{#exists(nickname)}}{{nickname}}"
                + "{{/exists(nickname)}}{{^exists(nickname)}}{{town}}{{/exists(nickname)}}",
            escaping: .none
        )
        let data = MergeData(root: ["items": [["name": "a"], ["name": "b"]]])
        #expect(try template.render(data) == "a, b")
        #expect(template.missingTags(in: data) == ["town"])
    }

    @Test func textAndHTMLFieldsReadTheirFirstLineAlike() throws {
        let source = "{{#customer.vip}}\nVIP\n{{/customer.vip}}\n\nBye"
        #expect(try render(source, .none) == "VIP\n\nBye")
        #expect(try render(source, .html) == "VIP\n\nBye")
        #expect(try render("\nHi", .none) == "\nHi")
    }

    @Test func listsAndObjectsPrintAsJSONAndIterateInSections() throws {
        let data = MergeData(root: ["tags": ["a", "b"], "address": ["town": "Chester"], "n": .number("2")])
        #expect(try render("{{tags}} {{address}}", data: data) == #"["a","b"] {"town":"Chester"}"#)
        #expect(try render("{{#tags}}<{{.}}>{{/tags}}", data: data) == "<a><b>")
        #expect(try render("{{#n}}{{text}}{{/n}}", data: data) == "", "a number offers nothing inside a section")
    }

    @Test func propertiesAreReadAtTheRootTooButRootFieldsWin() throws {
        let data = MergeData(
            event: ["bookingId": "root", "properties": ["bookingId": "prop", "nights": .number("3")]],
            customer: nil
        )
        #expect(try render("{{bookingId}} {{nights}} {{properties.bookingId}}", data: data) == "root 3 prop")
    }

    @Test func aTemplateThatDoesNotCompileSaysWhere() {
        do {
            _ = try MergeTemplate("Hello\n  {{#open}} and never closed", escaping: .html)
            Issue.record("expected a template error")
        } catch {
            #expect(error.line == 2)
            #expect(error.reason.contains("never closed"))
        }
        do {
            _ = try MergeTemplate("a\nb {{> partial}}", escaping: .none)
            Issue.record("expected a template error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 3)
        }
        do {
            _ = try MergeTemplate("a\r\nb {{=<% %>=}}", escaping: .none)
            Issue.record("new delimiters are refused")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 3)
        }
    }
}

@Suite struct AssetContentRulesTests {
    func code(_ content: JSONValue?, _ channel: AssetChannel) -> String? {
        do throws(AssetRejection) {
            _ = try AssetContentRules.validate(content, channel: channel)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func eachChannelHasItsFields() {
        #expect(code(["from": "a@b.c", "subject": "s", "html": "<p>x</p>"], .email) == nil)
        #expect(code(["from": "a@b.c", "subject": "s"], .email) == "missing_body")
        #expect(code(["subject": "s", "text": "t"], .email) == "missing_from")
        #expect(code(["from": "a@b.c", "subject": 3, "text": "t"], .email) == "invalid_subject")
        #expect(code(["from": "a@b.c", "replyTo": 1, "subject": "s", "text": "t"], .email) == "invalid_reply_to")
        #expect(code(["from": "a@b.c", "subjct": "s", "text": "t"], .email) == "unknown_content_field")
        #expect(code(["body": "hi"], .sms) == nil)
        #expect(code([:], .sms) == "missing_body")
        #expect(code(["title": "t", "body": "b", "data": ["k": "v"]], .push) == nil)
        #expect(code(["title": "t", "body": "b", "data": ["k": 1]], .push) == "invalid_data")
        #expect(code(["html": "<p/>", "pageSize": "A4"], .print) == nil)
        #expect(code(["html": "<p/>", "pageSize": "A5"], .print) == "invalid_page_size")
        #expect(code("x", .print) == "invalid_content")
    }

    @Test func aTemplateErrorNamesTheFieldLineAndColumn() {
        do throws(AssetRejection) {
            _ = try AssetContentRules.validate(
                ["from": "a", "subject": "s", "html": "<p>\n{{#x}}</p>"],
                channel: .email
            )
            Issue.record("expected a template error")
        } catch {
            #expect(error.code == "template_error")
            #expect(error.field == "html")
            #expect(error.line == 2)
        }
    }

    @Test func freeMarkerContentIsStoredAsMustache() throws {
        let content = try AssetContentRules.validate(
            ["body": "Hi ${customer.firstName}"],
            channel: .sms,
            freeMarker: true
        )
        #expect(content == ["body": "Hi {{customer.firstName}}"])
    }

    @Test func renderingFillsEveryTemplateField() throws {
        let content = try AssetContentRules.validate(
            ["title": "Hi {{customer.firstName}}", "body": "{{x}}", "data": ["deepLink": "/b/{{bookingId}}"]],
            channel: .push
        )
        let rendered = try AssetRenderer.render(
            content,
            channel: .push,
            data: MergeData(root: ["bookingId": "9", "customer": ["firstName": "Ann"]])
        )
        #expect(rendered.content == ["title": "Hi Ann", "body": "", "data": ["deepLink": "/b/9"]])
        #expect(rendered.missingTags == ["x"])
    }
}
