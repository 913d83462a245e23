import CairnChannels
import CairnCore
import Testing

/// A provider's settings print as their masked summary: a secret never shows by mistake.
@Suite struct ProviderSettingsTests {
    @Test func aProviderPrintedShowsNoSecret() throws {
        let smtp = try ProviderSettings(
            json: ["provider": "smtp", "url": "smtp://mailer:TOPSECRET@mail.example.com:587"],
            channel: .email
        )
        let twilio = try ProviderSettings(
            json: [
                "provider": "twilio", "accountSid": .string("AC" + String(repeating: "1", count: 32)),
                "authToken": "TOKENSECRET", "from": "+15005550006",
            ],
            channel: .sms
        )
        #expect("\(smtp)".contains("mail.example.com"))
        #expect(!"\(smtp)".contains("TOPSECRET"))
        #expect(!"\(twilio)".contains("TOKENSECRET"))
        #expect(!String(reflecting: smtp).contains("TOPSECRET"))
    }
}
