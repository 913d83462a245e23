import CairnCore
import Testing

@testable import CairnChannels

/// What an SMS failure becomes on the message, named as email's are.
@Suite struct SMSSenderOutcomeTests {
    @Test func anAnswerIsTheProviderRejecting() {
        let stop = ProviderError.twilio(httpStatus: 400, code: 21610, message: "unsubscribed")
        #expect(SMSSender.outcome(of: stop) == .permanent(.providerRejected(stop.message), withdrawsConsent: true))
        let busy = ProviderError.twilio(httpStatus: 429, code: 20429, message: "Too Many Requests")
        #expect(SMSSender.outcome(of: busy) == .transient(.providerRejected(busy.message)))
    }

    @Test func noAnswerIsTheProviderAwayOrMisconfigured() {
        let away = ProviderError.twilio(httpStatus: nil, code: nil, message: "connection refused")
        #expect(SMSSender.outcome(of: away) == .transient(.providerUnavailable(away.message)))
        let sender = ProviderError.misconfigured("Twilio: sender \"x y\" is not a phone number")
        #expect(
            SMSSender.outcome(of: sender) == .permanent(.providerMisconfigured(sender.message), withdrawsConsent: false)
        )
    }
}
