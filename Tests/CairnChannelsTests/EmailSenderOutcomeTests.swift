import CairnCore
import Testing

@testable import CairnChannels

/// What an SMTP failure becomes on the message: a server's reply is the provider rejecting it;
/// no reply is the provider away (worth retrying) or settings that cannot work.
@Suite struct EmailSenderOutcomeTests {
    @Test func aReplyIsTheProviderRejecting() {
        let permanent = SMTPError(kind: .permanent, replyCode: 550, enhancedCode: "5.1.1", message: "no such user")
        #expect(
            EmailSender.outcome(of: permanent)
                == .permanent(.providerRejected("SMTP: no such user"), withdrawsConsent: false)
        )
        let transient = SMTPError(kind: .transient, replyCode: 451, message: "try later")
        #expect(EmailSender.outcome(of: transient) == .transient(.providerRejected("SMTP: try later")))
    }

    @Test func noReplyIsTheProviderAwayOrMisconfigured() {
        let refused = SMTPError(kind: .transient, message: "connection refused")
        #expect(EmailSender.outcome(of: refused) == .transient(.providerUnavailable("SMTP: connection refused")))
        let silent = SMTPError(kind: .unknownOutcome, message: "no answer to the final dot")
        #expect(EmailSender.outcome(of: silent) == .transient(.providerUnavailable("SMTP: no answer to the final dot")))
        let tls = SMTPError(kind: .permanent, message: "the certificate is not trusted")
        #expect(
            EmailSender.outcome(of: tls)
                == .permanent(.providerMisconfigured("SMTP: the certificate is not trusted"), withdrawsConsent: false)
        )
    }
}
