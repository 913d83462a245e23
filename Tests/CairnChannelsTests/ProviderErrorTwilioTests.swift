import CairnChannels
import Testing

@Suite struct ProviderErrorTwilioTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var httpStatus: Int?
        var code: Int?
        var kind: ProviderError.Kind
        var testDescription: String {
            "HTTP \(httpStatus.map(String.init) ?? "none") code \(code.map(String.init) ?? "none")"
        }
    }

    static let table: [Row] = [
        Row(httpStatus: 400, code: 21211, kind: .permanent),
        Row(httpStatus: 400, code: 21214, kind: .permanent),
        Row(httpStatus: 400, code: 21401, kind: .permanent),
        Row(httpStatus: 400, code: 21408, kind: .permanent),
        Row(httpStatus: 400, code: 21606, kind: .permanent),
        Row(httpStatus: 400, code: 21610, kind: .permanent),
        Row(httpStatus: 400, code: 21612, kind: .permanent),
        Row(httpStatus: 400, code: 21614, kind: .permanent),
        Row(httpStatus: 400, code: 30003, kind: .permanent),
        Row(httpStatus: 400, code: 30008, kind: .permanent),
        Row(httpStatus: 401, code: 20003, kind: .permanent),
        Row(httpStatus: 400, code: 12345, kind: .permanent),
        Row(httpStatus: 403, code: nil, kind: .permanent),
        Row(httpStatus: 404, code: nil, kind: .permanent),
        Row(httpStatus: 429, code: 20429, kind: .transient),
        Row(httpStatus: 429, code: nil, kind: .transient),
        Row(httpStatus: 400, code: 20429, kind: .transient),
        Row(httpStatus: 500, code: 20500, kind: .transient),
        Row(httpStatus: 502, code: nil, kind: .transient),
        Row(httpStatus: 503, code: 20503, kind: .transient),
        Row(httpStatus: nil, code: nil, kind: .transient),
    ]

    @Test(arguments: table)
    func kindFollowsTheTable(_ row: Row) {
        let error = ProviderError.twilio(httpStatus: row.httpStatus, code: row.code, message: "words")
        #expect(error.kind == row.kind)
        #expect(error.httpStatus == row.httpStatus)
        #expect(error.providerCode == row.code)
        #expect(error.withdrawsConsent == (row.code == 21610))
    }

    @Test func keepsTheProvidersCodeAndWords() {
        let error = ProviderError.twilio(
            httpStatus: 400,
            code: 21211,
            message: "The 'To' number +1500555 is not a valid phone number."
        )
        #expect(error.message == "Twilio 21211: The 'To' number +1500555 is not a valid phone number.")
        #expect(error.description == error.message)
    }

    @Test func unsubscribedRecipientWithdrawsConsent() {
        let error = ProviderError.twilio(
            httpStatus: 400,
            code: 21610,
            message: "Attempt to send to unsubscribed recipient"
        )
        #expect(error.kind == .permanent)
        #expect(error.withdrawsConsent)
    }

    @Test func namesTheStatusWhenThereIsNoCode() {
        #expect(
            ProviderError.twilio(httpStatus: 502, code: nil, message: nil).message == "Twilio HTTP 502: no error body"
        )
        #expect(
            ProviderError.twilio(httpStatus: nil, code: nil, message: "connection refused").message
                == "Twilio unreachable: connection refused"
        )
    }

    @Test func aLongOrMultiLineBodyBecomesOneShortLine() {
        let page = "<html>\n  <body>\n" + String(repeating: "x", count: 1000) + "\n</body></html>"
        let error = ProviderError.twilio(httpStatus: 502, code: nil, message: page)
        #expect(!error.message.contains("\n"))
        #expect(error.message.count < 330)
    }
}
