import CairnCore
import Testing

@testable import CairnChannels

/// What an SMS failure becomes on the message, named as email's are.
@Suite struct SMSSenderOutcomeTests {
    @Test func anAnswerIsTheProviderRejecting() {
        let stop = SMSError.classify(httpStatus: 400, code: 21610, message: "unsubscribed")
        #expect(SMSSender.outcome(of: stop) == .permanent(.providerRejected(stop.message), withdrawsConsent: true))
        let busy = SMSError.classify(httpStatus: 429, code: 20429, message: "Too Many Requests")
        #expect(SMSSender.outcome(of: busy) == .transient(.providerRejected(busy.message)))
    }

    @Test func noAnswerIsTheProviderAwayOrMisconfigured() {
        let away = SMSError.classify(httpStatus: nil, code: nil, message: "connection refused")
        #expect(SMSSender.outcome(of: away) == .transient(.providerUnavailable(away.message)))
        let sender = SMSError(kind: .permanent, message: "Twilio: sender \"x y\" is not a phone number")
        #expect(
            SMSSender.outcome(of: sender) == .permanent(.providerMisconfigured(sender.message), withdrawsConsent: false)
        )
    }
}
