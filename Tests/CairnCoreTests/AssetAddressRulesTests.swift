import CairnCore
import Testing

/// An email asset's `from` and `replyTo` without merge tags are what every send uses, so each is
/// checked when saved: one address or blank. With tags, the sender checks what they render.
@Suite struct AssetAddressRulesTests {
    static func rejection(_ content: JSONValue, freeMarker: Bool = false) -> AssetRejection? {
        do throws(AssetRejection) {
            _ = try AssetContentRules.validate(content, channel: .email, freeMarker: freeMarker)
            return nil
        } catch {
            return error
        }
    }

    static func content(from: String, replyTo: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["from": .string(from), "subject": "Hi", "text": "Hi"]
        if let replyTo { fields["replyTo"] = .string(replyTo) }
        return .object(fields)
    }

    static let notOneAddress = [
        "not an address", "ann@", "ada@example.com, bob@example.com", "ada@example.com bob@example.com",
        "Ada <ada@example.com>, Bob <bob@example.com>", "<ada@example.com> <bob@example.com>",
        "ada@example.com <bob@example.com>", "Ada <ada@example.com>\r\nBcc: eve@example.com",
        "ada@example.com\n", "Ada\r <ada@example.com>",
    ]

    static let oneAddressOrTags = [
        "Ada <ada@example.com>", "ada@example.com", "<ada@example.com>", #""Lovelace, Ada" <ada@example.com>"#,
        "Zoë <zoë@café.example>", "{{customer.email}}", "{{customer.firstName}} <news@shop.example>",
        "{{#customer.vip}}VIP desk <vip@shop.example>{{/customer.vip}}",
    ]

    @Test(arguments: notOneAddress)
    func aFromThatIsNotOneAddressIsRefused(from: String) {
        let rejection = Self.rejection(Self.content(from: from))
        #expect(rejection?.code == "invalid_from")
        #expect(rejection?.field == "from")
        #expect(rejection?.message.contains("from") == true)
    }

    @Test(arguments: notOneAddress)
    func aReplyToThatIsNotOneAddressIsRefused(replyTo: String) {
        let rejection = Self.rejection(Self.content(from: "Shop <shop@example.com>", replyTo: replyTo))
        #expect(rejection?.code == "invalid_reply_to")
        #expect(rejection?.field == "replyTo")
        #expect(rejection?.message.contains("replyTo") == true)
    }

    @Test func aLineBreakIsNamedAsTheFault() {
        let rejection = Self.rejection(
            Self.content(from: "Shop <shop@example.com>", replyTo: "help@example.com\r\nBcc: eve@example.com")
        )
        #expect(rejection?.code == "invalid_reply_to")
        #expect(rejection?.message.contains("line break") == true)
    }

    @Test(arguments: oneAddressOrTags)
    func oneAddressOrMergeTagsAreSaved(text: String) {
        #expect(Self.rejection(Self.content(from: text)) == nil)
        #expect(Self.rejection(Self.content(from: "Shop <shop@example.com>", replyTo: text)) == nil)
    }

    @Test func aBlankFromIsTheProvidersAndABlankReplyToIsNone() {
        #expect(Self.rejection(Self.content(from: "")) == nil)
        #expect(Self.rejection(Self.content(from: "shop@example.com", replyTo: "")) == nil)
    }

    @Test func freeMarkerTagsAreCheckedWhenRendered() {
        #expect(Self.rejection(Self.content(from: "${customer.email}"), freeMarker: true) == nil)
        #expect(Self.rejection(Self.content(from: "not an address"), freeMarker: true)?.code == "invalid_from")
    }

    @Test func twoAddressesAreNotOneMailbox() {
        #expect(MailboxSyntax.parse("Ada <ada@example.com>, Bob <bob@example.com>")?.address == nil)
        #expect(MailboxSyntax.parse("ada@example.com <bob@example.com>")?.address == nil)
        let one = MailboxSyntax.parse("Ada <ada@example.com>")
        #expect(one?.name == "Ada")
        #expect(one?.address == "ada@example.com")
    }
}
