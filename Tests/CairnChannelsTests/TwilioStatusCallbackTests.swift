import CairnChannels
import Testing

@Suite struct TwilioStatusCallbackTests {
    typealias Outcome = TwilioStatusCallback.Outcome

    static func pairs(_ body: String) -> [String] {
        TwilioStatusCallback.parameters(fromForm: body).map { "\($0.0)=\($0.1)" }
    }

    @Test func decodesPlusAndPercentEscapes() {
        let body = "To=%2B15551234567&Body=Hello+there+%26+caf%C3%A9&MessageStatus=delivered"
        #expect(Self.pairs(body) == ["To=+15551234567", "Body=Hello there & café", "MessageStatus=delivered"])
    }

    @Test func keepsOrderEmptyValuesAndMalformedEscapes() {
        #expect(
            Self.pairs("b=2&a=1&&flag&empty=&bad=%zz%4&x=a%3Db") == [
                "b=2", "a=1", "flag=", "empty=", "bad=%zz%4", "x=a=b",
            ]
        )
        #expect(TwilioStatusCallback.parameters(fromForm: "").isEmpty)
    }

    @Test(arguments: [
        ("MessageStatus=delivered", Outcome.delivered),
        ("MessageStatus=read", Outcome.delivered),
        ("MessageStatus=failed&ErrorCode=30008", Outcome.failed(errorCode: 30008)),
        ("MessageStatus=undelivered&ErrorCode=30003", Outcome.failed(errorCode: 30003)),
        ("MessageStatus=undelivered", Outcome.failed(errorCode: nil)),
        ("MessageStatus=sent", Outcome.progress("sent")),
        ("MessageStatus=queued", Outcome.progress("queued")),
        ("MessageStatus=sending", Outcome.progress("sending")),
        ("MessageStatus=accepted", Outcome.progress("accepted")),
        ("SmsStatus=delivered", Outcome.delivered),
        ("MessageStatus=delivered&SmsStatus=sent", Outcome.delivered),
    ])
    func mapsTheStatus(_ body: String, _ outcome: Outcome) {
        #expect(TwilioStatusCallback.outcome(of: TwilioStatusCallback.parameters(fromForm: body)) == outcome)
    }

    @Test func noStatusIsNoOutcome() {
        #expect(TwilioStatusCallback.outcome(of: [("MessageSid", "SM1")]) == nil)
        #expect(TwilioStatusCallback.outcome(of: [("MessageStatus", "")]) == nil)
    }
}
