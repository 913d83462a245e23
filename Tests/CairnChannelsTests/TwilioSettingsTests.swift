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
        #expect(
            throws: ProviderError.invalidSettings("Twilio accountSid must be \"AC\" followed by 32 hexadecimal digits")
        ) {
            try TwilioSettings(accountSid: sid, authToken: Self.token, from: "+15005550006")
        }
    }

    @Test func refusesAnEmptyToken() {
        #expect(throws: ProviderError.invalidSettings("Twilio authToken must not be empty")) {
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
        #expect(throws: Self.invalidFrom(from)) {
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
        #expect(throws: Self.invalidBaseURL(url)) {
            try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn", baseURL: url)
        }
    }

    @Test func descriptionsNeverShowTheToken() throws {
        let settings = try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn")
        #expect(!String(describing: settings).contains(Self.token))
        #expect(!String(reflecting: settings).contains(Self.token))
        let refusals = [
            Self.refusal { try TwilioSettings(accountSid: "x", authToken: Self.token, from: "Cairn") },
            Self.refusal { try TwilioSettings(accountSid: Self.sid, authToken: "", from: "Cairn") },
            Self.refusal { try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "x-y") },
            Self.refusal {
                try TwilioSettings(accountSid: Self.sid, authToken: Self.token, from: "Cairn", baseURL: "y")
            },
        ]
        for error in refusals {
            #expect(error?.code == .invalidSettings)
            #expect(error?.description.isEmpty == false)
            #expect(error?.description.contains(Self.token) == false)
            #expect(!String(reflecting: error).contains(Self.token))
        }
    }

    /// The error `make` throws; nil when it succeeds.
    static func refusal(_ make: () throws -> TwilioSettings) -> ProviderError? {
        do {
            _ = try make()
            return nil
        } catch {
            return error as? ProviderError
        }
    }

    static func invalidFrom(_ from: String) -> ProviderError {
        .invalidSettings(
            "Twilio from \"\(from)\" must be an E.164 number (+15551234567), a short code, "
                + "a messaging service SID (MG…) or an alphanumeric sender ID of 1 to 11 characters"
        )
    }

    static func invalidBaseURL(_ url: String) -> ProviderError {
        .invalidSettings(
            "Twilio baseUrl \"\(url)\" must be an http or https URL without query, fragment or credentials"
        )
    }
}
