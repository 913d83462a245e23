import CairnChannels
import Testing

/// EmailAddress(parsing:) on the forms people write.
@Suite struct EmailAddressTests {
    @Test(
        arguments: [
            ("ann@example.com", nil, "ann@example.com"),
            ("  ann@example.com ", nil, "ann@example.com"),
            ("<ann@example.com>", nil, "ann@example.com"),
            ("Ann Smith <ann@example.com>", "Ann Smith", "ann@example.com"),
            (#""Smith, Ann" <ann@example.com>"#, "Smith, Ann", "ann@example.com"),
            (
                #""Ann \"The Boss\" Smith" <a.smith+tag@mail.example.com>"#, #"Ann "The Boss" Smith"#,
                "a.smith+tag@mail.example.com"
            ),
            ("Zoë <zoë@café.example>", "Zoë", "zoë@café.example"),
            (#""" <ann@example.com>"#, nil, "ann@example.com"),
        ] as [(String, String?, String)]
    )
    func parses(text: String, name: String?, address: String) throws {
        let parsed = try #require(EmailAddress(parsing: text))
        #expect(parsed.name == name)
        #expect(parsed.address == address)
    }

    @Test(arguments: [
        "", "ann", "ann@", "@example.com", "ann@@example.com", "ann smith@example.com", "ann@exa mple.com",
        "ann@example.com\r\nBcc: x@y.z", "Ann\n <ann@example.com>", "ann@example..com", ".ann@example.com",
        "Ann <ann@example.com", #"Ann "x" <ann@example.com>"#, "ann@-example.com", "<>", "Ann <>",
        "a\r\nRSET@x.example", "<a\nRSET@x.example>", "a\u{7}b@example.com", "ann@exa\u{0}mple.com",
    ])
    func refuses(text: String) {
        #expect(EmailAddress(parsing: text) == nil)
    }
}
