import CairnCore
import Testing

@testable import CairnChannels

/// What an SMTP failure becomes on the message: a server's reply is the provider rejecting it;
/// no reply is the provider away (worth retrying) or settings that cannot work.
@Suite struct EmailSenderOutcomeTests {
    @Test func aReplyIsTheProviderRejecting() {
        let permanent = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "no such user",
            replyCode: 550,
            enhancedCode: "5.1.1"
        )
        #expect(
            EmailSender.outcome(of: permanent)
                == .permanent(.providerRejected("SMTP: no such user"), withdrawsConsent: false)
        )
        let transient = ProviderError(code: .rejected, kind: .transient, message: "try later", replyCode: 451)
        #expect(EmailSender.outcome(of: transient) == .transient(.providerRejected("SMTP: try later")))
    }

    @Test func noReplyIsTheProviderAwayOrMisconfigured() {
        let refused = ProviderError.unavailable("connection refused")
        #expect(EmailSender.outcome(of: refused) == .transient(.providerUnavailable("SMTP: connection refused")))
        let silent = ProviderError.unavailable("no answer to the final dot", kind: .unknownOutcome)
        #expect(EmailSender.outcome(of: silent) == .unknown(.outcomeUnknown("SMTP: no answer to the final dot")))
        let tls = ProviderError.misconfigured("the certificate is not trusted")
        #expect(
            EmailSender.outcome(of: tls)
                == .permanent(.providerMisconfigured("SMTP: the certificate is not trusted"), withdrawsConsent: false)
        )
    }
}
