import CairnChannels
import Testing

@Suite struct TwilioSettingsTests {
    static let sid = "AC0123456789abcdef0123456789ABCDEF"
    static let token = "s3cret-token-value"

    @Test func acceptsAValidAccount() throws {
        let settings = try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "+15005550006")
        #expect(settings.baseURL == "https://api.twilio.com")
        #expect(TwilioSettings.defaultBaseURL == "https://api.twilio.com")
    }

    @Test(arguments: [
        "", "AC", "AC0123456789abcdef0123456789abcde", "AC0123456789abcdef0123456789abcdef0",
        "MG0123456789abcdef0123456789abcdef", "ac0123456789abcdef0123456789abcdef",
        "AC0123456789abcdef0123456789abcdeg",
    ])
    func refusesABadAccountSid(_ sid: String) {
        #expect(throws: TwilioConfigurationError.invalidAccountSid) {
            try TwilioSettings(accountSid: sid, authToken: Self.token, from: "+15005550006")
        }
    }

    @Test func refusesAnEmptyToken() {
        #expect(throws: TwilioConfigurationError.emptyAuthToken) {
            try TwilioSettings(accountSid: Self.sid, authToken: "", from: "+15005550006")
        }
    }

    @Test(arguments: [
        "+15005550006", "+447700900123", "+12", "MG0123456789abcdef0123456789abcdef", "Cairn", "Cairn Shop",
        "ACME2024", "12345", "123456",
    ])
    func acceptsASender(_ from: String) throws {
        #expect(try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: from).from == from)
    }

    @Test(arguments: [
        "", "+", "+0123456", "15005550006", "+1500555000612345", "1234", "1234567", "CairnShop123",
        "Cairn-Shop", "MG0123456789abcdef0123456789abcde", "+1 500 555 0006", "Caïrn",
    ])
    func refusesABadSender(_ from: String) {
        #expect(throws: TwilioConfigurationError.invalidFrom(from)) {
            try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: from)
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://api.example.com/twilio/", "https://api.example.com/twilio"),
        ("HTTPS://API.EXAMPLE.COM", "HTTPS://API.EXAMPLE.COM"),
    ])
    func acceptsABaseURL(_ url: String, _ normalized: String) throws {
        let settings = try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn", baseURL: url)
        #expect(settings.baseURL == normalized)
    }

    @Test(arguments: [
        "", "api.twilio.com", "ftp://api.twilio.com", "https://", "https://api.twilio.com?x=1",
        "https://api.twilio.com/#top", "https://user:pass@api.twilio.com", "not a url",
    ])
    func refusesABadBaseURL(_ url: String) {
        #expect(throws: TwilioConfigurationError.invalidBaseURL(url)) {
            try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn", baseURL: url)
        }
    }

    @Test func descriptionsNeverShowTheToken() throws {
        let settings = try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn")
        #expect(!String(describing: settings).contains(Self.token))
        #expect(!String(reflecting: settings).contains(Self.token))
        let errors: [TwilioConfigurationError] = [
            .invalidAccountSid, .emptyAuthToken, .invalidFrom("x"), .invalidBaseURL("y"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains(Self.token))
        }
    }
}
