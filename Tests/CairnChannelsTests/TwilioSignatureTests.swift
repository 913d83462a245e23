import CairnChannels
import Testing

/// Twilio's own example from "Validating requests" (auth token 12345): the expected signature,
/// RSOYDt4T1cUTdK1PDd93/VVr8B8=, was checked with an independent HMAC-SHA1 before use here.
@Suite struct TwilioSignatureTests {
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let token = "12345"
    static let parameters = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    static let documented = "RSOYDt4T1cUTdK1PDd93/VVr8B8="

    @Test func signsTwiliosDocumentedExample() {
        #expect(
            TwilioSignature.sign(url: Self.url, parameters: Self.parameters, authToken: Self.token) == Self.documented
        )
    }

    @Test func parameterOrderDoesNotMatter() {
        let shuffled = Array(Self.parameters.reversed())
        #expect(TwilioSignature.sign(url: Self.url, parameters: shuffled, authToken: Self.token) == Self.documented)
    }

    @Test func acceptsTheDocumentedSignature() {
        #expect(
            TwilioSignature.isValid(Self.documented, url: Self.url, parameters: Self.parameters, authToken: Self.token)
        )
    }

    @Test func refusesATamperedParameter() {
        var tampered = Self.parameters
        tampered[2] = ("Digits", "1235")
        #expect(!TwilioSignature.isValid(Self.documented, url: Self.url, parameters: tampered, authToken: Self.token))
    }

    @Test func refusesAnAddedParameter() {
        let added = Self.parameters + [("Extra", "")]
        #expect(!TwilioSignature.isValid(Self.documented, url: Self.url, parameters: added, authToken: Self.token))
    }

    @Test func refusesAnotherURL() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=3"
        #expect(!TwilioSignature.isValid(Self.documented, url: url, parameters: Self.parameters, authToken: Self.token))
    }

    @Test func refusesAnotherToken() {
        #expect(
            !TwilioSignature.isValid(Self.documented, url: Self.url, parameters: Self.parameters, authToken: "12346")
        )
    }

    @Test(arguments: [
        "", "RSOYDt4T1cUTdK1PDd93/VVr8B8", "RSOYDt4T1cUTdK1PDd93/VVr8B9=", "RSOYDt4T1cUTdK1PDd93/VVr8B8==", "x",
    ])
    func refusesAnotherSignature(_ signature: String) {
        #expect(!TwilioSignature.isValid(signature, url: Self.url, parameters: Self.parameters, authToken: Self.token))
    }
}
